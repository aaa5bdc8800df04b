// Package store keeps orders in Postgres.
package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrNotFound is returned when an order does not exist.
var ErrNotFound = errors.New("order not found")

const schema = `
CREATE TABLE IF NOT EXISTS orders (
	id         BIGSERIAL PRIMARY KEY,
	item       TEXT        NOT NULL,
	quantity   INTEGER     NOT NULL CHECK (quantity > 0),
	status     TEXT        NOT NULL DEFAULT 'pending',
	created_at TIMESTAMPTZ NOT NULL DEFAULT now()
)`

// schemaLockID serialises schema creation when the api and the worker start
// at the same time (concurrent CREATE TABLE IF NOT EXISTS can still collide).
const schemaLockID = 7_215_001

// Store is a Postgres-backed order repository.
type Store struct {
	pool *pgxpool.Pool
}

// Open connects to databaseURL and creates the orders table if it is missing.
func Open(ctx context.Context, databaseURL string) (*Store, error) {
	pool, err := pgxpool.New(ctx, databaseURL)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s := &Store{pool: pool}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // no-op after Commit
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", schemaLockID); err != nil {
		return fmt.Errorf("postgres: schema lock: %w", err)
	}
	if _, err := tx.Exec(ctx, schema); err != nil {
		return fmt.Errorf("postgres: create table: %w", err)
	}
	return tx.Commit(ctx)
}

// Close releases the connection pool.
func (s *Store) Close() { s.pool.Close() }

// Ping checks that Postgres answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// Create inserts a new pending order.
func (s *Store) Create(ctx context.Context, n NewOrder) (Order, error) {
	o := Order{Item: n.Item, Quantity: n.Quantity}
	err := s.pool.QueryRow(ctx,
		`INSERT INTO orders (item, quantity) VALUES ($1, $2)
		 RETURNING id, status, created_at`,
		n.Item, n.Quantity,
	).Scan(&o.ID, &o.Status, &o.CreatedAt)
	if err != nil {
		return Order{}, fmt.Errorf("insert order: %w", err)
	}
	return o, nil
}

// Get returns the order with the given id, or ErrNotFound.
func (s *Store) Get(ctx context.Context, id int64) (Order, error) {
	var o Order
	err := s.pool.QueryRow(ctx,
		`SELECT id, item, quantity, status, created_at FROM orders WHERE id = $1`, id,
	).Scan(&o.ID, &o.Item, &o.Quantity, &o.Status, &o.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Order{}, ErrNotFound
	}
	if err != nil {
		return Order{}, fmt.Errorf("get order %d: %w", id, err)
	}
	return o, nil
}

// MarkProcessed sets the order's status to processed, or returns ErrNotFound.
func (s *Store) MarkProcessed(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `UPDATE orders SET status = $1 WHERE id = $2`, StatusProcessed, id)
	if err != nil {
		return fmt.Errorf("update order %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

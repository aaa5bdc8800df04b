// Command worker marks queued orders as processed.
package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"example.com/orders/internal/config"
	"example.com/orders/internal/queue"
	"example.com/orders/internal/store"
)

// popTimeout bounds each BLPOP so the worker notices shutdown promptly.
const popTimeout = 2 * time.Second

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(log); err != nil {
		log.Error("worker stopped", "err", err)
		os.Exit(1)
	}
}

func run(log *slog.Logger) error {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()

	q, err := queue.Open(cfg.RedisURL)
	if err != nil {
		return err
	}
	defer q.Close()

	log.Info("worker started", "queue", queue.PendingKey)
	for ctx.Err() == nil {
		id, ok, err := q.Pop(ctx, popTimeout)
		switch {
		case ctx.Err() != nil:
			// Shutting down. An id popped just now is handled below.
		case err != nil:
			log.Error("pop", "err", err)
			sleep(ctx, time.Second)
			continue
		}
		if !ok {
			continue
		}
		process(log, db, q, id)
	}
	log.Info("shutting down")
	return nil
}

// process marks one order as processed. It deliberately ignores shutdown
// cancellation so that a popped id is not lost half-way.
func process(log *slog.Logger, db *store.Store, q *queue.Queue, id int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	err := db.MarkProcessed(ctx, id)
	switch {
	case err == nil:
		log.Info("processed", "id", id)
	case errors.Is(err, store.ErrNotFound):
		log.Warn("dropping unknown order", "id", id)
	default:
		log.Error("process", "id", id, "err", err)
		if err := q.Push(ctx, id); err != nil {
			log.Error("requeue", "id", id, "err", err)
		}
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

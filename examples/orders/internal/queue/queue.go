// Package queue is a Redis list of order ids waiting for the worker.
package queue

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// PendingKey is the Redis list holding ids of orders to process.
const PendingKey = "orders:pending"

// Queue pushes and pops order ids.
type Queue struct {
	rdb *redis.Client
}

// Open parses redisURL (redis://[user:pass@]host:port/db) and returns a Queue.
// It does not contact Redis; use Ping for that.
func Open(redisURL string) (*Queue, error) {
	opts, err := redis.ParseURL(redisURL)
	if err != nil {
		return nil, fmt.Errorf("redis: %w", err)
	}
	// Honour context deadlines (e.g. the 2s health check) rather than only
	// the client's own read/write timeouts.
	opts.ContextTimeoutEnabled = true
	return &Queue{rdb: redis.NewClient(opts)}, nil
}

// Close closes the client.
func (q *Queue) Close() error { return q.rdb.Close() }

// Ping checks that Redis answers.
func (q *Queue) Ping(ctx context.Context) error { return q.rdb.Ping(ctx).Err() }

// Push appends an order id to the pending list.
func (q *Queue) Push(ctx context.Context, id int64) error {
	return q.rdb.RPush(ctx, PendingKey, strconv.FormatInt(id, 10)).Err()
}

// Pop waits up to timeout for an order id. ok is false when the timeout
// expired without an id.
func (q *Queue) Pop(ctx context.Context, timeout time.Duration) (id int64, ok bool, err error) {
	res, err := q.rdb.BLPop(ctx, timeout, PendingKey).Result()
	if errors.Is(err, redis.Nil) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	// res is [key, value].
	if len(res) != 2 {
		return 0, false, fmt.Errorf("unexpected BLPOP reply %q", res)
	}
	id, err = ParseID(res[1])
	if err != nil {
		return 0, false, err
	}
	return id, true, nil
}

// ParseID parses an order id stored in the queue.
func ParseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 {
		return 0, fmt.Errorf("invalid order id %q", s)
	}
	return id, nil
}

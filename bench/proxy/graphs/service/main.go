// A mid-size service's import set for the proxy benchmark: `go mod download all` in this
// module resolves the graph the benchmark serves. It is never run; it only has to compile.
package main

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

func main() {
	root := &cobra.Command{Use: "service", RunE: func(cmd *cobra.Command, _ []string) error {
		logger, err := zap.NewProduction()
		if err != nil {
			return err
		}
		ctx := context.Background()
		pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
		if err != nil {
			return err
		}
		defer pool.Close()
		cache := redis.NewClient(&redis.Options{Addr: os.Getenv("REDIS_ADDR")})
		conn, err := grpc.NewClient(os.Getenv("PEER_ADDR"), grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return err
		}
		defer conn.Close()
		r := gin.New()
		r.GET("/healthz", func(c *gin.Context) { c.String(200, cache.Ping(ctx).Val()) })
		logger.Info("listening")
		return r.Run(os.Getenv("LISTEN"))
	}}
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	_ = assert.Equal(&testing.T{}, 1, 1)
}

// A large service's import set for the proxy benchmark (several hundred modules under
// `go mod download all`): the mid-size service's libraries plus a Kubernetes client, the AWS SDK
// and OpenTelemetry. It is never run; it only has to compile.
package main

import (
	"context"
	"fmt"
	"os"

	"cloud.google.com/go/storage"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/IBM/sarama"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/gin-gonic/gin"
	vault "github.com/hashicorp/vault/api"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
	"github.com/nats-io/nats.go"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"
	"github.com/spf13/viper"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// connectAll opens a client of every other backend the service talks to.
func connectAll(ctx context.Context) error {
	if _, err := storage.NewClient(ctx); err != nil {
		return err
	}
	if _, err := azblob.NewClientFromConnectionString(viper.GetString("azure"), nil); err != nil {
		return err
	}
	if _, err := sarama.NewClient([]string{viper.GetString("kafka")}, sarama.NewConfig()); err != nil {
		return err
	}
	if _, err := vault.NewClient(vault.DefaultConfig()); err != nil {
		return err
	}
	if _, err := nats.Connect(viper.GetString("nats")); err != nil {
		return err
	}
	if _, err := clientv3.New(clientv3.Config{Endpoints: []string{viper.GetString("etcd")}}); err != nil {
		return err
	}
	_, err := mongo.Connect()
	return err
}

func run(ctx context.Context) error {
	logger, err := zap.NewProduction()
	if err != nil {
		return err
	}
	exp, err := otlptracegrpc.New(ctx)
	if err != nil {
		return err
	}
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp)))
	prom, err := prometheus.New()
	if err != nil {
		return err
	}
	otel.SetMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(prom)))
	awsCfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return err
	}
	_, _, _ = s3.NewFromConfig(awsCfg), dynamodb.NewFromConfig(awsCfg), sqs.NewFromConfig(awsCfg)
	kube, err := clientcmd.BuildConfigFromFlags("", os.Getenv("KUBECONFIG"))
	if err != nil {
		return err
	}
	clientset, err := kubernetes.NewForConfig(kube)
	if err != nil {
		return err
	}
	pods, err := clientset.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		return err
	}
	defer pool.Close()
	cache := redis.NewClient(&redis.Options{Addr: os.Getenv("REDIS_ADDR")})
	conn, err := grpc.NewClient(os.Getenv("PEER_ADDR"),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithStatsHandler(otelgrpc.NewClientHandler()))
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := connectAll(ctx); err != nil {
		return err
	}
	r := gin.New()
	r.GET("/metrics", gin.WrapH(promhttp.Handler()))
	r.GET("/healthz", func(c *gin.Context) { c.String(200, cache.Ping(ctx).Val()) })
	logger.Info("listening", zap.Int("pods", len(pods.Items)))
	return r.Run(os.Getenv("LISTEN"))
}

func main() {
	root := &cobra.Command{Use: "large", RunE: func(cmd *cobra.Command, _ []string) error {
		return run(cmd.Context())
	}}
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

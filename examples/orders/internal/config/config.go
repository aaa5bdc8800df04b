// Package config reads the service configuration from the environment.
package config

import (
	"errors"
	"fmt"
	"strconv"
)

// DefaultPort is used when PORT is unset.
const DefaultPort = "8080"

// Config holds the settings shared by the api and worker commands.
type Config struct {
	Port        string // PORT, default 8080 (api only)
	DatabaseURL string // DATABASE_URL, e.g. postgres://user:pass@host:5432/db?sslmode=disable
	RedisURL    string // REDIS_URL, e.g. redis://host:6379/0
}

// Load builds a Config from getenv (usually os.Getenv).
func Load(getenv func(string) string) (Config, error) {
	cfg := Config{
		Port:        getenv("PORT"),
		DatabaseURL: getenv("DATABASE_URL"),
		RedisURL:    getenv("REDIS_URL"),
	}
	if cfg.Port == "" {
		cfg.Port = DefaultPort
	}

	var errs []error
	if n, err := strconv.Atoi(cfg.Port); err != nil || n < 1 || n > 65535 {
		errs = append(errs, fmt.Errorf("PORT %q is not a valid port number", cfg.Port))
	}
	if cfg.DatabaseURL == "" {
		errs = append(errs, errors.New("DATABASE_URL is required"))
	}
	if cfg.RedisURL == "" {
		errs = append(errs, errors.New("REDIS_URL is required"))
	}
	return cfg, errors.Join(errs...)
}

// Addr is the listen address for the HTTP server.
func (c Config) Addr() string { return ":" + c.Port }

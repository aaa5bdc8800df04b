package config

import (
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaults(t *testing.T) {
	cfg, err := Load(env(map[string]string{
		"DATABASE_URL": "postgres://u:p@localhost:5432/orders",
		"REDIS_URL":    "redis://localhost:6379/0",
	}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.Port != DefaultPort {
		t.Errorf("Port = %q, want %q", cfg.Port, DefaultPort)
	}
	if got := cfg.Addr(); got != ":8080" {
		t.Errorf("Addr = %q, want :8080", got)
	}
}

func TestLoadPort(t *testing.T) {
	cfg, err := Load(env(map[string]string{
		"PORT":         "9090",
		"DATABASE_URL": "postgres://localhost/orders",
		"REDIS_URL":    "redis://localhost:6379",
	}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.Addr() != ":9090" {
		t.Errorf("Addr = %q, want :9090", cfg.Addr())
	}
}

func TestLoadErrors(t *testing.T) {
	_, err := Load(env(map[string]string{"PORT": "http"}))
	if err == nil {
		t.Fatal("expected an error")
	}
	for _, want := range []string{"PORT", "DATABASE_URL", "REDIS_URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

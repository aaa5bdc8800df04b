package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"example.com/orders/internal/store"
)

// Orders is the subset of *store.Store the handlers use.
type Orders interface {
	Ping(ctx context.Context) error
	Create(ctx context.Context, n store.NewOrder) (store.Order, error)
	Get(ctx context.Context, id int64) (store.Order, error)
}

// Queue is the subset of *queue.Queue the handlers use.
type Queue interface {
	Ping(ctx context.Context) error
	Push(ctx context.Context, id int64) error
}

const healthTimeout = 2 * time.Second

type server struct {
	orders Orders
	queue  Queue
	log    *slog.Logger
}

func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("POST /orders", s.createOrder)
	mux.HandleFunc("GET /orders/{id}", s.getOrder)
	return mux
}

func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
	defer cancel()

	if err := s.orders.Ping(ctx); err != nil {
		s.log.Warn("healthz: postgres", "err", err)
		http.Error(w, "postgres unavailable", http.StatusServiceUnavailable)
		return
	}
	if err := s.queue.Ping(ctx); err != nil {
		s.log.Warn("healthz: redis", "err", err)
		http.Error(w, "redis unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok"))
}

func (s *server) createOrder(w http.ResponseWriter, r *http.Request) {
	var n store.NewOrder
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&n); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return
	}
	if err := n.Validate(); err != nil {
		writeError(w, http.StatusUnprocessableEntity, err.Error())
		return
	}

	o, err := s.orders.Create(r.Context(), n)
	if err != nil {
		s.log.Error("create order", "err", err)
		writeError(w, http.StatusInternalServerError, "could not store order")
		return
	}
	if err := s.queue.Push(r.Context(), o.ID); err != nil {
		// The order is stored but still pending; report the failure so the
		// client knows it will not be processed until re-queued.
		s.log.Error("queue order", "id", o.ID, "err", err)
		writeError(w, http.StatusInternalServerError, "order stored but could not be queued")
		return
	}
	w.Header().Set("Location", "/orders/"+strconv.FormatInt(o.ID, 10))
	writeJSON(w, http.StatusCreated, o)
}

func (s *server) getOrder(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		writeError(w, http.StatusBadRequest, "id must be a positive integer")
		return
	}
	o, err := s.orders.Get(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, "order not found")
		return
	}
	if err != nil {
		s.log.Error("get order", "id", id, "err", err)
		writeError(w, http.StatusInternalServerError, "could not load order")
		return
	}
	writeJSON(w, http.StatusOK, o)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

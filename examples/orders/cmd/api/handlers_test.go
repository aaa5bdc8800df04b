package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"example.com/orders/internal/store"
)

type fakeOrders struct {
	pingErr error
	orders  map[int64]store.Order
}

func (f *fakeOrders) Ping(context.Context) error { return f.pingErr }

func (f *fakeOrders) Create(_ context.Context, n store.NewOrder) (store.Order, error) {
	if f.orders == nil {
		f.orders = map[int64]store.Order{}
	}
	o := store.Order{
		ID:        int64(len(f.orders) + 1),
		Item:      n.Item,
		Quantity:  n.Quantity,
		Status:    store.StatusPending,
		CreatedAt: time.Unix(0, 0).UTC(),
	}
	f.orders[o.ID] = o
	return o, nil
}

func (f *fakeOrders) Get(_ context.Context, id int64) (store.Order, error) {
	o, ok := f.orders[id]
	if !ok {
		return store.Order{}, store.ErrNotFound
	}
	return o, nil
}

type fakeQueue struct {
	pingErr error
	pushed  []int64
}

func (f *fakeQueue) Ping(context.Context) error { return f.pingErr }

func (f *fakeQueue) Push(_ context.Context, id int64) error {
	f.pushed = append(f.pushed, id)
	return nil
}

func newTestServer() (*server, *fakeOrders, *fakeQueue) {
	o, q := &fakeOrders{}, &fakeQueue{}
	return &server{orders: o, queue: q, log: slog.New(slog.NewTextHandler(io.Discard, nil))}, o, q
}

func do(h http.Handler, method, target, body string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, strings.NewReader(body)))
	return rec
}

func TestHealthz(t *testing.T) {
	s, o, q := newTestServer()
	h := s.routes()

	if rec := do(h, "GET", "/healthz", ""); rec.Code != http.StatusOK || rec.Body.String() != "ok" {
		t.Fatalf("healthy: got %d %q", rec.Code, rec.Body)
	}
	q.pingErr = errors.New("down")
	if rec := do(h, "GET", "/healthz", ""); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("redis down: got %d", rec.Code)
	}
	q.pingErr, o.pingErr = nil, errors.New("down")
	if rec := do(h, "GET", "/healthz", ""); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("postgres down: got %d", rec.Code)
	}
}

func TestCreateOrder(t *testing.T) {
	s, _, q := newTestServer()
	h := s.routes()

	rec := do(h, "POST", "/orders", `{"item":"widget","quantity":2}`)
	if rec.Code != http.StatusCreated {
		t.Fatalf("status = %d, body %s", rec.Code, rec.Body)
	}
	var got store.Order
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.ID != 1 || got.Item != "widget" || got.Quantity != 2 || got.Status != store.StatusPending {
		t.Errorf("order = %+v", got)
	}
	if loc := rec.Header().Get("Location"); loc != "/orders/1" {
		t.Errorf("Location = %q", loc)
	}
	if len(q.pushed) != 1 || q.pushed[0] != 1 {
		t.Errorf("pushed = %v, want [1]", q.pushed)
	}
}

func TestCreateOrderRejectsBadInput(t *testing.T) {
	tests := []struct {
		body string
		want int
	}{
		{`not json`, http.StatusBadRequest},
		{`{"item":"widget","quantity":"2"}`, http.StatusBadRequest},
		{`{"item":"widget","quantity":2,"extra":true}`, http.StatusBadRequest},
		{`{"item":"","quantity":2}`, http.StatusUnprocessableEntity},
		{`{"item":"widget","quantity":0}`, http.StatusUnprocessableEntity},
	}
	for _, tt := range tests {
		s, _, q := newTestServer()
		rec := do(s.routes(), "POST", "/orders", tt.body)
		if rec.Code != tt.want {
			t.Errorf("%s: status = %d, want %d", tt.body, rec.Code, tt.want)
		}
		if len(q.pushed) != 0 {
			t.Errorf("%s: queued %v", tt.body, q.pushed)
		}
	}
}

func TestGetOrder(t *testing.T) {
	s, _, _ := newTestServer()
	h := s.routes()
	do(h, "POST", "/orders", `{"item":"widget","quantity":1}`)

	if rec := do(h, "GET", "/orders/1", ""); rec.Code != http.StatusOK {
		t.Errorf("existing: status = %d", rec.Code)
	}
	if rec := do(h, "GET", "/orders/99", ""); rec.Code != http.StatusNotFound {
		t.Errorf("missing: status = %d", rec.Code)
	}
	if rec := do(h, "GET", "/orders/abc", ""); rec.Code != http.StatusBadRequest {
		t.Errorf("bad id: status = %d", rec.Code)
	}
	if rec := do(h, "DELETE", "/orders/1", ""); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("DELETE: status = %d", rec.Code)
	}
}

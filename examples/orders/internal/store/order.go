package store

import (
	"errors"
	"strings"
	"time"
)

// Order statuses.
const (
	StatusPending   = "pending"
	StatusProcessed = "processed"
)

// MaxQuantity bounds a single order line.
const MaxQuantity = 1000

// Order is a row of the orders table.
type Order struct {
	ID        int64     `json:"id"`
	Item      string    `json:"item"`
	Quantity  int       `json:"quantity"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}

// NewOrder is the body of POST /orders.
type NewOrder struct {
	Item     string `json:"item"`
	Quantity int    `json:"quantity"`
}

// Validate normalises and checks a NewOrder.
func (n *NewOrder) Validate() error {
	n.Item = strings.TrimSpace(n.Item)
	var errs []error
	if n.Item == "" {
		errs = append(errs, errors.New("item is required"))
	} else if len(n.Item) > 200 {
		errs = append(errs, errors.New("item must be at most 200 bytes"))
	}
	if n.Quantity < 1 || n.Quantity > MaxQuantity {
		errs = append(errs, errors.New("quantity must be between 1 and 1000"))
	}
	return errors.Join(errs...)
}

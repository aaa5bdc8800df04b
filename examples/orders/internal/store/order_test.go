package store

import (
	"strings"
	"testing"
)

func TestNewOrderValidate(t *testing.T) {
	tests := []struct {
		name    string
		in      NewOrder
		wantErr string
	}{
		{"ok", NewOrder{Item: "widget", Quantity: 3}, ""},
		{"trimmed", NewOrder{Item: "  widget ", Quantity: 1}, ""},
		{"empty item", NewOrder{Item: "  ", Quantity: 1}, "item is required"},
		{"zero quantity", NewOrder{Item: "widget"}, "quantity"},
		{"negative quantity", NewOrder{Item: "widget", Quantity: -2}, "quantity"},
		{"too many", NewOrder{Item: "widget", Quantity: MaxQuantity + 1}, "quantity"},
		{"long item", NewOrder{Item: strings.Repeat("x", 201), Quantity: 1}, "at most 200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if tt.in.Item != "widget" {
					t.Errorf("Item = %q, want trimmed %q", tt.in.Item, "widget")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

package queue

import "testing"

func TestParseID(t *testing.T) {
	for _, s := range []string{"", "abc", "0", "-3", "1.5"} {
		if _, err := ParseID(s); err == nil {
			t.Errorf("ParseID(%q): expected an error", s)
		}
	}
	if id, err := ParseID("42"); err != nil || id != 42 {
		t.Errorf("ParseID(42) = %d, %v", id, err)
	}
}

func TestOpenParsesURL(t *testing.T) {
	q, err := Open("redis://localhost:6379/0")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer q.Close()

	if _, err := Open("http://localhost:6379"); err == nil {
		t.Error("Open with a non-redis scheme: expected an error")
	}
}

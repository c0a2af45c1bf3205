package records

import (
	"testing"
	"time"
)

func TestNaturalCompare(t *testing.T) {
	ordered := []string{"10.0.0.2", "10.0.0.9", "10.0.0.10", "10.0.1.1", "Gi1/0/2", "Gi1/0/10", "Gi1/1/1", "a", "a1", "a01b"}
	for i := 0; i+1 < len(ordered); i++ {
		if NaturalCompare(ordered[i], ordered[i+1]) >= 0 {
			t.Errorf("%q should sort before %q", ordered[i], ordered[i+1])
		}
	}
}

// TestCompareByValue: stages sort on values, not on how cells print.
func TestCompareByValue(t *testing.T) {
	for _, tc := range []struct {
		a, b any
		want int
	}{
		{"9", "10", -1},
		{9, "10", -1},
		{"10", 9, 1},
		{"2.5", 10, -1},
		{"10.0.0.9", "10.0.0.10", -1},
		{"::1", "10.0.0.1", 1},
		{time.Second, time.Minute, -1},
		{time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 1},
		{nil, "a", -1},
		{"", 0, -1},
		{"Gi1/0/2", "Gi1/0/10", -1},
		{"120", 120, 0},
	} {
		got := Compare(tc.a, tc.b)
		if got < 0 {
			got = -1
		} else if got > 0 {
			got = 1
		}
		if got != tc.want {
			t.Errorf("Compare(%#v, %#v) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

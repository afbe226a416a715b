// Package clock is the only place in sluice that touches real time.
//
// Every service takes a [Clock] (github.com/benbjohnson/clock behind type
// aliases, so the dependency can be swapped later). Production code uses
// [New]; tests use [NewMock], usually inside testing/synctest.
package clock

import (
	"time"

	bclock "github.com/benbjohnson/clock"
)

// Clock is the time source every service reads.
type Clock = bclock.Clock

// Mock is a clock whose time moves only when a test calls Add or Set.
type Mock = bclock.Mock

// Timer is a timer created by a [Clock].
type Timer = bclock.Timer

// New returns the real clock.
func New() Clock { return bclock.New() }

// NewMock returns a mock clock set to the Unix epoch. Tests usually Set it to
// a readable date first.
func NewMock() *Mock { return bclock.NewMock() }

// Monotonic guards a resource against time running backwards: a resource
// never sees a Now earlier than one it already saw, even if the injected clock
// is set back.
//
// The zero value is ready to use. It is not safe for concurrent use; the
// owner's mutex guards it.
type Monotonic struct {
	last time.Time
}

// Now returns max(last, c.Now()) and remembers it.
func (m *Monotonic) Now(c Clock) time.Time {
	now := c.Now()
	if now.Before(m.last) {
		return m.last
	}
	m.last = now
	return now
}

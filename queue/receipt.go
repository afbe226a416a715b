package queue

import (
	"encoding/base64"
	"encoding/binary"
	"math/rand/v2"

	"github.com/cespare/xxhash/v2"
)

// A receipt handle names one receive of one message. It encodes the
// message's place in q.all (enqueue time and sequence), the receive count at
// the time of the receive, and a check word keyed per queue, so garbage and
// handles of other queues are told apart from handles of messages that are
// gone.
//
// Layout before base64url: version(1) seq(8) enqueuedAt(8) receiveCount(4) check(8).
const (
	handleVersion = 1
	handlePayload = 1 + 8 + 8 + 4
	handleLen     = handlePayload + 8
	// handleStrLen is the length of a rendered handle:
	// handleEncoding.EncodedLen(handleLen).
	handleStrLen = (handleLen*8 + 5) / 6
)

// handleEncoding is strict: a handle's last character carries two padding
// bits, and a lenient decoder would take four spellings of every handle.
var handleEncoding = base64.RawURLEncoding.Strict()

// handleKey is the per-queue secret of the check word.
type handleKey [2]uint64

func newHandleKey(r *rand.Rand) handleKey { return handleKey{r.Uint64(), r.Uint64()} }

func (k handleKey) check(payload []byte) uint64 {
	var buf [16 + handlePayload]byte
	binary.LittleEndian.PutUint64(buf[0:], k[0])
	binary.LittleEndian.PutUint64(buf[8:], k[1])
	copy(buf[16:], payload)
	return xxhash.Sum64(buf[:])
}

// receipt is a decoded receipt handle.
type receipt struct {
	seq          uint64
	enqueuedAt   int64
	receiveCount uint32
}

// put renders the handle of r into dst[:handleStrLen].
func (k handleKey) put(dst []byte, r receipt) {
	var raw [handleLen]byte
	raw[0] = handleVersion
	binary.BigEndian.PutUint64(raw[1:], r.seq)
	binary.BigEndian.PutUint64(raw[9:], uint64(r.enqueuedAt))
	binary.BigEndian.PutUint32(raw[17:], r.receiveCount)
	binary.BigEndian.PutUint64(raw[handlePayload:], k.check(raw[:handlePayload]))
	handleEncoding.Encode(dst[:handleStrLen], raw[:])
}

// decode parses a handle; ok is false for anything this queue did not issue.
func (k handleKey) decode(h string) (r receipt, ok bool) {
	if len(h) != handleEncoding.EncodedLen(handleLen) {
		return receipt{}, false
	}
	var raw [handleLen]byte
	n, err := handleEncoding.Decode(raw[:], []byte(h))
	if err != nil || n != handleLen || raw[0] != handleVersion {
		return receipt{}, false
	}
	if binary.BigEndian.Uint64(raw[handlePayload:]) != k.check(raw[:handlePayload]) {
		return receipt{}, false
	}
	return receipt{
		seq:          binary.BigEndian.Uint64(raw[1:]),
		enqueuedAt:   int64(binary.BigEndian.Uint64(raw[9:])),
		receiveCount: binary.BigEndian.Uint32(raw[17:]),
	}, true
}

func errInvalidHandle(h string) *Error {
	if h == "" {
		return errorf(ErrMissingParameter, "The request must contain the parameter ReceiptHandle.")
	}
	return errorf(ErrReceiptHandleIsInvalid, "The input receipt handle \"%s\" is not a valid receipt handle.", h)
}

// lookupLocked finds the live message a handle names; nil if it is gone.
// q.mu must be held.
func (q *Queue) lookupLocked(r receipt) *message {
	// The probe is a field, not a fresh &message{...}: passed to the tree's
	// less function, a local would escape to the heap on every lookup.
	q.probe.seq, q.probe.enqueuedAt = r.seq, r.enqueuedAt
	m, ok := q.all.Get(&q.probe)
	if !ok {
		return nil
	}
	return m
}

package firehose

import (
	"context"
	"time"
)

// TapRecord is one record a delivery stream accepted, as a [DeliveryStream.Tap]
// function sees it: before any processing, with the time it arrived.
type TapRecord struct {
	Data    []byte
	Arrival time.Time
}

// TapFunc receives the records a delivery stream accepts, in order.
type TapFunc func(ctx context.Context, records []TapRecord)

// tap is one registered TapFunc.
type tap struct {
	id uint64
	fn TapFunc
}

// Tap registers fn to receive every record the delivery stream accepts
// from then on (PutRecord, PutRecordBatch, or its Kinesis source), after
// it is accepted, with no lock held. It is how a Kinesis Data Analytics
// application reads a delivery stream as its input (package analytics):
// on AWS, Firehose hands an application the records it ingests. The
// records' Data must not be modified. The returned function unregisters
// fn.
func (d *DeliveryStream) Tap(fn TapFunc) (untap func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.tapSeq++
	id := d.tapSeq
	d.taps = append(d.taps, tap{id: id, fn: fn})
	return func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		for i, t := range d.taps {
			if t.id == id {
				d.taps = append(d.taps[:i:i], d.taps[i+1:]...)
				return
			}
		}
	}
}

// tapsLocked returns the registered taps. d.mu must be held.
func (d *DeliveryStream) tapsLocked() []tap {
	if len(d.taps) == 0 {
		return nil
	}
	return d.taps // replaced, never modified in place (see Tap)
}

// feedTaps hands accepted records to taps. No lock may be held.
func feedTaps(ctx context.Context, taps []tap, recs []TapRecord) {
	if len(recs) == 0 {
		return
	}
	for _, t := range taps {
		t.fn(ctx, recs)
	}
}

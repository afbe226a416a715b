package stream

import "testing"

// FuzzSequenceLayout round-trips sequence numbers through their decimal
// form: every field comes back, and any decimal that parses is the
// canonical text of what it parsed to.
func FuzzSequenceLayout(f *testing.F) {
	f.Add(int64(1767323045), uint32(6), uint64(1), int64(1767323045), "49590338271490256608559692538361571095921575989136588898")
	f.Add(int64(0), uint32(0), uint64(0), int64(0), "0")
	f.Add(int64(1<<36-1), uint32(1<<32-1), uint64(endCounter), int64(1<<36-1), "1")
	f.Fuzz(func(t *testing.T, epoch int64, index uint32, counter uint64, recordSec int64, text string) {
		p := seqParts{shardEpoch: epoch & (1<<36 - 1), shardIndex: index, counter: counter & endCounter, recordSec: recordSec & (1<<36 - 1)}
		s := p.String()
		if len(s) != seqLen {
			t.Fatalf("%+v = %s: %d digits", p, s, len(s))
		}
		got, ok := parseSeq(s)
		if !ok || got != p {
			t.Fatalf("parseSeq(%s) = %+v, %v; want %+v", s, got, ok, p)
		}
		if q, ok := parseSeq(text); ok && q.String() != text {
			t.Fatalf("parseSeq(%q) accepted a non-canonical text: %+v", text, q)
		}
	})
}

// FuzzHashKeyText round-trips hash keys through decimal.
func FuzzHashKeyText(f *testing.F) {
	f.Add(uint64(0), uint64(0))
	f.Add(^uint64(0), ^uint64(0))
	f.Add(uint64(1), uint64(0))
	f.Fuzz(func(t *testing.T, hi, lo uint64) {
		k := hashKey{hi, lo}
		got, pattern, inRange := parseHashKey(k.String())
		if !pattern || !inRange || got != k {
			t.Fatalf("%s parsed to %+v %v %v", k, got, pattern, inRange)
		}
		if k.big().String() != k.String() {
			t.Fatalf("decimal %s, big %s", k, k.big())
		}
	})
}

// FuzzSeqFormatter checks that printing a run of numbers by addition gives
// the same text as printing each on its own.
func FuzzSeqFormatter(f *testing.F) {
	f.Add(int64(1767323045), uint32(6), uint64(1), int64(1767323045), uint8(10), uint16(3))
	f.Add(int64(5), uint32(0), uint64(endCounter-3), int64(1<<36-5), uint8(8), uint16(1000))
	f.Fuzz(func(t *testing.T, epoch int64, index uint32, counter uint64, sec int64, n uint8, secStep uint16) {
		p := seqParts{shardEpoch: epoch & (1<<36 - 1), shardIndex: index, counter: counter & endCounter, recordSec: sec & (1<<36 - 1)}
		var fm seqFormatter
		for i := range int(n) {
			if p.counter > endCounter || p.recordSec >= 1<<36 {
				return
			}
			if got, want := string(fm.appendTo(nil, p)), p.String(); got != want {
				t.Fatalf("step %d %+v: %s, want %s", i, p, got, want)
			}
			p.counter++
			if i%3 == 0 {
				p.recordSec += int64(secStep)
			}
		}
	})
}

package stream

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"time"
)

// ShardIteratorType is where a shard iterator starts.
type ShardIteratorType string

// The iterator types.
const (
	// AtSequenceNumber starts at the record with StartingSequenceNumber.
	AtSequenceNumber ShardIteratorType = "AT_SEQUENCE_NUMBER"
	// AfterSequenceNumber starts right after it.
	AfterSequenceNumber ShardIteratorType = "AFTER_SEQUENCE_NUMBER"
	// TrimHorizon starts at the oldest record still retained.
	TrimHorizon ShardIteratorType = "TRIM_HORIZON"
	// Latest starts just after the newest record, so it reads only records
	// written after the iterator was made.
	Latest ShardIteratorType = "LATEST"
	// AtTimestamp starts at the first record that arrived at or after
	// Timestamp.
	AtTimestamp ShardIteratorType = "AT_TIMESTAMP"
)

// IteratorLifetime is how long a shard iterator stays valid after it was
// issued, by GetShardIterator or as a NextShardIterator.
const IteratorLifetime = 300 * time.Second

// GetShardIteratorInput is the input of [Stream.GetShardIterator].
type GetShardIteratorInput struct {
	ShardId           string
	ShardIteratorType ShardIteratorType
	// StartingSequenceNumber is required by AT_SEQUENCE_NUMBER and
	// AFTER_SEQUENCE_NUMBER and refused by TRIM_HORIZON and LATEST.
	StartingSequenceNumber string
	// Timestamp is required by AT_TIMESTAMP.
	Timestamp *time.Time
}

// GetShardIteratorOutput is the output of [Stream.GetShardIterator].
type GetShardIteratorOutput struct {
	ShardIterator string
}

// iterToken is what a shard iterator encodes: the stream (by name and the
// identity of this incarnation of the name), the shard, the counter of the
// next record to read and when the iterator was issued. Tokens are signed
// with the Service's key, so a changed token is refused.
type iterToken struct {
	stream   string
	streamID uint64
	shard    uint32
	pos      uint64
	issued   int64 // unix milliseconds
}

const (
	tokenVersion = 1
	tokenMACSize = 16
)

func (svc *Service) mac(payload []byte) []byte {
	h := hmac.New(sha256.New, svc.key[:])
	h.Write(payload)
	return h.Sum(nil)[:tokenMACSize]
}

func (svc *Service) encodeIterator(t iterToken) string {
	b := make([]byte, 0, 30+len(t.stream)+tokenMACSize)
	b = append(b, tokenVersion)
	b = binary.BigEndian.AppendUint64(b, t.streamID)
	b = binary.BigEndian.AppendUint32(b, t.shard)
	b = binary.BigEndian.AppendUint64(b, t.pos)
	b = binary.BigEndian.AppendUint64(b, uint64(t.issued))
	b = append(b, byte(len(t.stream)))
	b = append(b, t.stream...)
	b = append(b, svc.mac(b)...)
	return base64.StdEncoding.EncodeToString(b)
}

func (svc *Service) decodeIterator(s string) (iterToken, bool) {
	// Strict, and no line breaks (which the decoder skips): one token has
	// one text.
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil || strings.ContainsAny(s, "\r\n") || len(b) < 30+tokenMACSize || b[0] != tokenVersion {
		return iterToken{}, false
	}
	payload, sum := b[:len(b)-tokenMACSize], b[len(b)-tokenMACSize:]
	if !hmacEqual(sum, svc.mac(payload)) {
		return iterToken{}, false
	}
	t := iterToken{
		streamID: binary.BigEndian.Uint64(payload[1:]),
		shard:    binary.BigEndian.Uint32(payload[9:]),
		pos:      binary.BigEndian.Uint64(payload[13:]),
		issued:   int64(binary.BigEndian.Uint64(payload[21:])),
	}
	n := int(payload[29])
	if len(payload) != 30+n {
		return iterToken{}, false
	}
	t.stream = string(payload[30:])
	return t, true
}

// GetShardIterator returns an iterator on a shard, valid for 300 s, that
// GetRecords reads from. An iterator on a closed shard is valid too. Over 5
// calls a second for one shard fail with
// ErrProvisionedThroughputExceededException.
func (s *Stream) GetShardIterator(ctx context.Context, in GetShardIteratorInput) (GetShardIteratorOutput, error) {
	if err := ctx.Err(); err != nil {
		return GetShardIteratorOutput{}, err
	}
	if err := validateShardIDText("shardId", in.ShardId); err != nil {
		return GetShardIteratorOutput{}, err
	}
	if err := checkPosition(in.ShardIteratorType, in.StartingSequenceNumber, in.Timestamp); err != nil {
		return GetShardIteratorOutput{}, err
	}
	if s.svc.isClosed() {
		return GetShardIteratorOutput{}, errClosed()
	}
	now, err := s.lock()
	if err != nil {
		return GetShardIteratorOutput{}, err
	}
	defer s.mu.Unlock()
	sh, err := s.shardLocked(in.ShardId, now)
	if err != nil {
		return GetShardIteratorOutput{}, err
	}
	if s.svc.cfg.throttling && !sh.iterRate.take(now.UnixNano(), ShardIteratorsPerSecond, ShardIteratorsPerSecond, 1) {
		return GetShardIteratorOutput{}, ErrProvisionedThroughputExceededException.WithMessage(s.errThrottled(sh))
	}
	pos, err := s.positionLocked(sh, in.ShardIteratorType, in.StartingSequenceNumber, in.Timestamp, now)
	if err != nil {
		return GetShardIteratorOutput{}, err
	}
	return GetShardIteratorOutput{ShardIterator: s.svc.encodeIterator(iterToken{
		stream: s.name, streamID: s.id, shard: sh.index, pos: pos, issued: now.UnixMilli(),
	})}, nil
}

// javaDate formats t as AWS's Java services print dates.
func javaDate(t time.Time) string { return t.UTC().Format("Mon Jan 02 15:04:05 UTC 2006") }

// checkPosition applies the rules of an iterator type and its arguments.
func checkPosition(typ ShardIteratorType, seq string, ts *time.Time) error {
	withSeq := seq != ""
	switch typ {
	case AtSequenceNumber, AfterSequenceNumber, TrimHorizon, Latest:
		if withSeq != (typ == AtSequenceNumber || typ == AfterSequenceNumber) {
			also := "no StartingSequenceNumber."
			if withSeq {
				also = "also a StartingSequenceNumber."
			}
			return errorf(ErrInvalidArgumentException,
				"Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified %s and %s",
				typ, also)
		}
	case AtTimestamp:
		if ts == nil {
			return errorf(ErrInvalidArgumentException,
				"Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.")
		}
	default:
		return errValidationValue(typ, "shardIteratorType",
			"Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, AT_SEQUENCE_NUMBER, AT_TIMESTAMP, TRIM_HORIZON, LATEST]")
	}
	if withSeq && !isSequenceText(seq) {
		return errValidationValue(seq, "startingSequenceNumber",
			`Member must satisfy regular expression pattern: 0|([1-9]\d{0,128})`)
	}
	return nil
}

// positionLocked returns the counter an iterator of this type starts at.
// s.mu must be held.
func (s *Stream) positionLocked(sh *shard, typ ShardIteratorType, seq string, ts *time.Time, now time.Time) (uint64, error) {
	sh.trimLocked(s)
	var pos uint64
	switch typ {
	case TrimHorizon:
		pos = sh.first
	case Latest:
		pos = sh.next
	case AtSequenceNumber, AfterSequenceNumber:
		p, ok := parseSeq(seq)
		switch {
		case !ok:
			return 0, errorf(ErrInvalidArgumentException,
				"StartingSequenceNumber %s used in GetShardIterator on shard %s in stream %s under account %s is invalid.",
				seq, sh.id, s.name, s.svc.cfg.account)
		case p.shardIndex != sh.index:
			return 0, errorf(ErrInvalidArgumentException,
				"Invalid StartingSequenceNumber. It encodes %s, while it was used in a call to a shard with %s", shardID(p.shardIndex), sh.id)
		case p.shardEpoch != sh.epoch:
			return 0, errorf(ErrInvalidArgumentException,
				"StartingSequenceNumber %s used in GetShardIterator on shard %s in stream %s under account %s is invalid because it did not come from this stream.",
				seq, sh.id, s.name, s.svc.cfg.account)
		}
		pos = p.counter
		if typ == AfterSequenceNumber && pos < endCounter {
			pos++
		}
	case AtTimestamp:
		if ms := ts.UnixMilli(); ms > now.UnixMilli() {
			return 0, errorf(ErrInvalidArgumentException,
				"The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: %d, currentTimestampInMillis: %d",
				ms, now.UnixMilli())
		}
		// AWS timestamps have millisecond precision.
		t := ts.UnixMilli()
		pos = sh.first + uint64(sh.recs.search(func(r *record) bool { return r.arrival()/1e6 >= t }))
	}
	return pos, nil
}

func hmacEqual(a, b []byte) bool { return hmac.Equal(a, b) }

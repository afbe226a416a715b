package stream

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"time"
)

// ShardFilterType selects the shards ListShards returns.
type ShardFilterType string

// The shard filters.
const (
	// AfterShardId lists the shards after ShardFilter.ShardId.
	AfterShardId ShardFilterType = "AFTER_SHARD_ID"
	// AtTrimHorizon lists the shards open at the trim horizon.
	AtTrimHorizon ShardFilterType = "AT_TRIM_HORIZON"
	// FromTrimHorizon, the default, lists every shard not yet expired.
	FromTrimHorizon ShardFilterType = "FROM_TRIM_HORIZON"
	// AtLatest lists the open shards.
	AtLatest ShardFilterType = "AT_LATEST"
	// AtTimestampFilter lists the shards open at ShardFilter.Timestamp.
	AtTimestampFilter ShardFilterType = "AT_TIMESTAMP"
	// FromTimestamp lists the shards closed at or after
	// ShardFilter.Timestamp, and the open ones.
	FromTimestamp ShardFilterType = "FROM_TIMESTAMP"
)

// ShardFilter narrows ListShards.
type ShardFilter struct {
	Type      ShardFilterType
	ShardId   string     // for AFTER_SHARD_ID
	Timestamp *time.Time // for AT_TIMESTAMP and FROM_TIMESTAMP
}

// ListShards limits.
const (
	MaxListShardsResults = 1000
	// NextTokenLifetime is how long a ListShards NextToken stays valid.
	NextTokenLifetime = 300 * time.Second
)

// ListShardsInput is the input of [Service.ListShards]: a stream (by name
// or ARN), or the NextToken of an earlier call, never both.
type ListShardsInput struct {
	StreamName string
	StreamARN  string
	NextToken  string
	// ExclusiveStartShardId starts the list after this shard.
	ExclusiveStartShardId string
	// MaxResults is the most shards to return: 1..10,000; at most (and by
	// default) 1,000 are returned.
	MaxResults *int
	// StreamCreationTimestamp, if set, must be the stream's.
	StreamCreationTimestamp *time.Time
	ShardFilter             *ShardFilter
}

// ListShardsOutput is the output of [Service.ListShards].
type ListShardsOutput struct {
	Shards []Shard
	// NextToken continues the listing for 300 seconds; empty at the end.
	NextToken string
}

// listState is what a ListShards NextToken carries.
type listState struct {
	streamID uint64
	issued   int64 // unix milliseconds
	after    int64 // last shard index returned
	filter   ShardFilterType
	filterID int64
	filterTS int64 // unix nanoseconds
	stream   string
}

var filterCodes = []ShardFilterType{"", AfterShardId, AtTrimHorizon, FromTrimHorizon, AtLatest, AtTimestampFilter, FromTimestamp}

func (svc *Service) encodeListToken(st listState) string {
	b := []byte{2}
	b = binary.BigEndian.AppendUint64(b, st.streamID)
	b = binary.BigEndian.AppendUint64(b, uint64(st.issued))
	b = binary.BigEndian.AppendUint64(b, uint64(st.after))
	code := byte(0)
	for i, f := range filterCodes {
		if f == st.filter {
			code = byte(i)
		}
	}
	b = append(b, code)
	b = binary.BigEndian.AppendUint64(b, uint64(st.filterID))
	b = binary.BigEndian.AppendUint64(b, uint64(st.filterTS))
	b = append(b, st.stream...)
	b = append(b, svc.mac(b)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (svc *Service) decodeListToken(tok string) (listState, bool) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(tok)
	const head = 1 + 8*3 + 1 + 8*2
	if err != nil || strings.ContainsAny(tok, "\r\n") || len(b) < head+tokenMACSize || b[0] != 2 {
		return listState{}, false
	}
	payload, sum := b[:len(b)-tokenMACSize], b[len(b)-tokenMACSize:]
	if !hmacEqual(sum, svc.mac(payload)) || int(payload[25]) >= len(filterCodes) {
		return listState{}, false
	}
	return listState{
		streamID: binary.BigEndian.Uint64(payload[1:]),
		issued:   int64(binary.BigEndian.Uint64(payload[9:])),
		after:    int64(binary.BigEndian.Uint64(payload[17:])),
		filter:   filterCodes[payload[25]],
		filterID: int64(binary.BigEndian.Uint64(payload[26:])),
		filterTS: int64(binary.BigEndian.Uint64(payload[34:])),
		stream:   string(payload[head:]),
	}, true
}

// ListShards lists a stream's shards in shard-id order, a page at a time:
// by default every shard not yet expired (closed shards whose records have
// all passed retention are gone), or those the ShardFilter selects.
func (svc *Service) ListShards(ctx context.Context, in ListShardsInput) (ListShardsOutput, error) {
	limit := MaxListShardsResults
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 10000 {
			return ListShardsOutput{}, errValidationValue(*in.MaxResults, "maxResults", "Member must have value between 1 and 10000")
		}
		limit = min(*in.MaxResults, MaxListShardsResults)
	}
	named := in.StreamName != "" || in.StreamARN != ""
	var st listState
	switch {
	case named && in.NextToken != "":
		return ListShardsOutput{}, errorf(ErrInvalidArgumentException, "NextToken and StreamName cannot be provided together.")
	case !named && in.NextToken == "":
		return ListShardsOutput{}, errorf(ErrInvalidArgumentException, "Either NextToken or StreamName should be provided.")
	case in.NextToken != "":
		if in.ExclusiveStartShardId != "" || in.ShardFilter != nil || in.StreamCreationTimestamp != nil {
			return ListShardsOutput{}, errorf(ErrInvalidArgumentException,
				"NextToken cannot be provided together with ExclusiveStartShardId, ShardFilter or StreamCreationTimestamp.")
		}
		var ok bool
		if st, ok = svc.decodeListToken(in.NextToken); !ok {
			return ListShardsOutput{}, errorf(ErrInvalidArgumentException, "Invalid NextToken.")
		}
	default:
		st.after = -1
		if in.ExclusiveStartShardId != "" {
			if idx, ok := parseShardID(in.ExclusiveStartShardId); ok {
				st.after = int64(idx)
			}
		}
		st.filter = FromTrimHorizon
		if f := in.ShardFilter; f != nil {
			st.filter = f.Type
			switch f.Type {
			case AfterShardId:
				idx, ok := parseShardID(f.ShardId)
				if f.ShardId == "" || !ok {
					return ListShardsOutput{}, errorf(ErrInvalidArgumentException, "ShardId must be specified for ShardFilter of type AFTER_SHARD_ID.")
				}
				st.filterID = int64(idx)
			case AtTimestampFilter, FromTimestamp:
				if f.Timestamp == nil {
					return ListShardsOutput{}, errorf(ErrInvalidArgumentException, "Timestamp must be specified for ShardFilter of type %s.", f.Type)
				}
				st.filterTS = f.Timestamp.UnixNano()
			case AtTrimHorizon, FromTrimHorizon, AtLatest:
			default:
				return ListShardsOutput{}, errValidationValue(f.Type, "shardFilter.type",
					"Member must satisfy enum value set: [AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, AT_LATEST, AT_TIMESTAMP, FROM_TIMESTAMP]")
			}
		}
	}
	var s *Stream
	var err error
	if named {
		s, err = svc.resolve(in.StreamName, in.StreamARN)
	} else {
		s, err = svc.lookup(st.stream)
	}
	if err != nil {
		return ListShardsOutput{}, err
	}
	if err := svc.rate(ctx, opListShards, s); err != nil {
		return ListShardsOutput{}, err
	}
	now, err := s.lock()
	if err != nil {
		return ListShardsOutput{}, err
	}
	defer s.mu.Unlock()
	if in.NextToken != "" {
		if st.streamID != s.id {
			return ListShardsOutput{}, s.errNotFound()
		}
		if now.UnixMilli()-st.issued > NextTokenLifetime.Milliseconds() {
			return ListShardsOutput{}, errorf(ErrExpiredNextTokenException, "The timestamp for the NextToken has expired. NextToken was issued at %s and the current time is %s.",
				javaDate(time.UnixMilli(st.issued)), javaDate(now))
		}
	} else if in.StreamCreationTimestamp != nil && !in.StreamCreationTimestamp.Equal(s.created) {
		return ListShardsOutput{}, s.errNotFound()
	}
	out := ListShardsOutput{Shards: []Shard{}}
	for _, sh := range s.shards {
		if int64(sh.index) <= st.after || sh.expiredLocked(s, now) || !s.filterLocked(sh, st, now) {
			continue
		}
		if len(out.Shards) == limit {
			st.after = int64(out.Shards[len(out.Shards)-1].index())
			st.issued = now.UnixMilli()
			st.streamID, st.stream = s.id, s.name
			out.NextToken = svc.encodeListToken(st)
			break
		}
		out.Shards = append(out.Shards, sh.describeLocked())
	}
	return out, nil
}

// index returns the number in the shard's id.
func (d Shard) index() uint32 {
	idx, _ := parseShardID(d.ShardId)
	return idx
}

// openAt reports whether sh was open at t: not closed by then, and made by
// then (a shard the stream was created with counts as open since before).
func (sh *shard) openAt(t time.Time) bool {
	return (sh.isOpen() || sh.closed.After(t)) && (!sh.created.After(t) || sh.parent < 0)
}

// filterLocked applies a ShardFilter to an unexpired shard. s.mu must be
// held.
func (s *Stream) filterLocked(sh *shard, st listState, now time.Time) bool {
	switch st.filter {
	case AfterShardId:
		return int64(sh.index) > st.filterID
	case AtTrimHorizon:
		return sh.openAt(s.horizon)
	case AtLatest:
		return sh.isOpen()
	case AtTimestampFilter:
		return sh.openAt(time.Unix(0, st.filterTS))
	case FromTimestamp:
		return sh.isOpen() || !sh.closed.Before(time.Unix(0, st.filterTS))
	}
	return true
}

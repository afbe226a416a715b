package stream

import (
	"context"
	"slices"
	"time"
)

// Resharding limits.
const (
	// MaxScalingsPerDay is how many UpdateShardCount calls a stream takes in
	// a rolling 24 hours.
	MaxScalingsPerDay = 10
	scalingWindow     = 24 * time.Hour
)

// ScalingType is how UpdateShardCount reshards.
type ScalingType string

// UniformScaling, the only scaling type, leaves equal-size open shards.
const UniformScaling ScalingType = "UNIFORM_SCALING"

// SplitShardInput is the input of [Service.SplitShard].
type SplitShardInput struct {
	StreamName   string
	StreamARN    string
	ShardToSplit string
	// NewStartingHashKey is where the second child starts, in decimal. It
	// must be above the shard's StartingHashKey plus one and below its
	// EndingHashKey.
	NewStartingHashKey string
}

// MergeShardsInput is the input of [Service.MergeShards].
type MergeShardsInput struct {
	StreamName   string
	StreamARN    string
	ShardToMerge string
	// AdjacentShardToMerge must start right after ShardToMerge ends.
	AdjacentShardToMerge string
}

// UpdateShardCountInput is the input of [Service.UpdateShardCount].
type UpdateShardCountInput struct {
	StreamName       string
	StreamARN        string
	TargetShardCount int
	ScalingType      ScalingType
}

// UpdateShardCountOutput is the output of [Service.UpdateShardCount].
type UpdateShardCountOutput struct {
	StreamName        string
	StreamARN         string
	CurrentShardCount int
	TargetShardCount  int
}

// lockForReshard resolves a stream, checks it may take delta more open
// shards and that it is ACTIVE, and returns it locked.
func (svc *Service) lockForReshard(ctx context.Context, op operation, name, arn string, delta func(s *Stream) int) (*Stream, time.Time, error) {
	s, err := svc.resolve(name, arn)
	if err != nil {
		return nil, time.Time{}, err
	}
	if err := svc.rate(ctx, op, nil); err != nil {
		return nil, time.Time{}, err
	}
	svc.mu.Lock()
	others := svc.openShardsLocked(s)
	svc.mu.Unlock()
	now, err := s.lock()
	if err != nil {
		return nil, now, err
	}
	if s.status != StreamStatusActive {
		s.mu.Unlock()
		return nil, now, s.errNotActive()
	}
	if d := delta(s); d > 0 {
		open := len(s.open)
		if s.mode == StreamModeOnDemand {
			others = 0
		}
		if open+d > MaxShardsPerStream || others+open+d > svc.cfg.shardLimit {
			s.mu.Unlock()
			return nil, now, errorf(ErrLimitExceededException,
				"This request would exceed the shard limit for the account %s in %s. Current shard count for the account: %d. Limit: %d. Number of additional shards that would have resulted from this request: %d. Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.",
				svc.cfg.account, svc.cfg.region, others+open, svc.cfg.shardLimit, d)
		}
	}
	return s, now, nil
}

// openShardForReshardLocked finds a shard that may be split or merged.
// s.mu must be held.
func (s *Stream) openShardForReshardLocked(id string, now time.Time) (*shard, error) {
	idx, ok := parseShardID(id)
	if ok {
		id = shardID(idx)
	}
	if !ok || int(idx) >= len(s.shards) || s.shards[idx].expiredLocked(s, now) {
		return nil, errorf(ErrResourceNotFoundException, "Could not find shard %s in stream %s under account %s.", id, s.name, s.svc.cfg.account)
	}
	sh := s.shards[idx]
	if !sh.isOpen() {
		return nil, errorf(ErrInvalidArgumentException,
			"Shard %s in stream %s under account %s has already been merged or split, and thus is not eligible for merging or splitting.",
			sh.id, s.name, s.svc.cfg.account)
	}
	return sh, nil
}

// SplitShard splits an open shard in two at NewStartingHashKey. The stream
// is UPDATING for the transition delay; then the shard is closed (its
// records stay readable until they expire) and two children, with the
// shard as ParentShardId, own [StartingHashKey, NewStartingHashKey-1] and
// [NewStartingHashKey, EndingHashKey] and take new writes.
func (svc *Service) SplitShard(ctx context.Context, in SplitShardInput) error {
	k, pattern, inRange := parseHashKey(in.NewStartingHashKey)
	if !pattern {
		return errValidationValue(in.NewStartingHashKey, "newStartingHashKey", `Member must satisfy regular expression pattern: 0|([1-9]\d{0,38})`)
	}
	if err := validateShardIDText("shardToSplit", in.ShardToSplit); err != nil {
		return err
	}
	s, now, err := svc.lockForReshard(ctx, opSplitShard, in.StreamName, in.StreamARN, func(*Stream) int { return 1 })
	if err != nil {
		return err
	}
	defer s.mu.Unlock()
	sh, err := s.openShardForReshardLocked(in.ShardToSplit, now)
	if err != nil {
		return err
	}
	if !inRange || k.cmp(sh.start.add(1)) <= 0 || k.cmp(sh.end) >= 0 {
		return errorf(ErrInvalidArgumentException,
			"NewStartingHashKey %s used in SplitShard() on shard %s in stream %s under account %s is not both greater than one plus the shard's StartingHashKey %s and less than the shard's EndingHashKey %s.",
			in.NewStartingHashKey, sh.id, s.name, svc.cfg.account, sh.start, sh.end)
	}
	s.transitionLocked(now, StreamStatusUpdating, func(at time.Time) {
		s.splitLocked(sh, k, at)
		s.setOpenLocked()
	})
	return nil
}

// MergeShards merges two adjacent open shards: AdjacentShardToMerge must
// start right after ShardToMerge ends. The stream is UPDATING for the
// transition delay; then both are closed and one child owns their union,
// with ShardToMerge as ParentShardId and AdjacentShardToMerge as
// AdjacentParentShardId.
func (svc *Service) MergeShards(ctx context.Context, in MergeShardsInput) error {
	if err := validateShardIDText("shardToMerge", in.ShardToMerge); err != nil {
		return err
	}
	if err := validateShardIDText("adjacentShardToMerge", in.AdjacentShardToMerge); err != nil {
		return err
	}
	s, now, err := svc.lockForReshard(ctx, opMergeShards, in.StreamName, in.StreamARN, func(*Stream) int { return 0 })
	if err != nil {
		return err
	}
	defer s.mu.Unlock()
	a, err := s.openShardForReshardLocked(in.ShardToMerge, now)
	if err != nil {
		return err
	}
	b, err := s.openShardForReshardLocked(in.AdjacentShardToMerge, now)
	if err != nil {
		return err
	}
	if a == b || a.end == maxHashKey || a.end.add(1) != b.start {
		return errorf(ErrInvalidArgumentException,
			"Shards %s and %s in stream %s under account %s are not an adjacent pair of shards eligible for merging",
			a.id, b.id, s.name, svc.cfg.account)
	}
	s.transitionLocked(now, StreamStatusUpdating, func(at time.Time) {
		s.mergeLocked(a, b, at)
		s.setOpenLocked()
	})
	return nil
}

// splitLocked closes sh and opens its two children. s.mu must be held.
func (s *Stream) splitLocked(sh *shard, k hashKey, at time.Time) (left, right *shard) {
	sh.closeLocked(at)
	left = s.newShardLocked(sh.start, k.sub(1), at, sh)
	right = s.newShardLocked(k, sh.end, at, sh)
	return left, right
}

// mergeLocked closes a and b (b right after a) and opens their child.
// s.mu must be held.
func (s *Stream) mergeLocked(a, b *shard, at time.Time) *shard {
	a.closeLocked(at)
	b.closeLocked(at)
	return s.newShardLocked(a.start, b.end, at, a, b)
}

// UpdateShardCount reshards a provisioned stream to TargetShardCount open
// shards of equal size (the partition CreateStream makes), by splits and
// merges: shards whose range is already right stay open, and the ones in
// between are short-lived (closed as soon as made, with no records). The
// target must lie within half and double the open shards, and a stream
// takes 10 calls in a rolling 24 hours.
func (svc *Service) UpdateShardCount(ctx context.Context, in UpdateShardCountInput) (UpdateShardCountOutput, error) {
	if in.ScalingType != UniformScaling {
		return UpdateShardCountOutput{}, errValidationValue(in.ScalingType, "scalingType", "Member must satisfy enum value set: [UNIFORM_SCALING]")
	}
	if in.TargetShardCount < 1 || in.TargetShardCount > MaxShardsPerStream {
		return UpdateShardCountOutput{}, errValidationValue(in.TargetShardCount, "targetShardCount", "Member must have value between 1 and 10000")
	}
	s, now, err := svc.lockForReshard(ctx, opUpdateShardCount, in.StreamName, in.StreamARN, func(s *Stream) int {
		return in.TargetShardCount - len(s.open)
	})
	if err != nil {
		return UpdateShardCountOutput{}, err
	}
	defer s.mu.Unlock()
	cur := len(s.open)
	switch {
	case s.mode == StreamModeOnDemand:
		return UpdateShardCountOutput{}, errorf(ErrValidationException, "This API is not supported for on-demand streams.")
	case in.TargetShardCount > 2*cur:
		return UpdateShardCountOutput{}, errorf(ErrLimitExceededException,
			"UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: %d Target shard count: %d",
			cur, in.TargetShardCount)
	case 2*in.TargetShardCount < cur:
		return UpdateShardCountOutput{}, errorf(ErrLimitExceededException,
			"UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: %d Target shard count: %d",
			cur, in.TargetShardCount)
	}
	s.scalings = slices.DeleteFunc(s.scalings, func(t time.Time) bool { return !t.After(now.Add(-scalingWindow)) })
	if len(s.scalings) >= MaxScalingsPerDay {
		return UpdateShardCountOutput{}, errorf(ErrLimitExceededException,
			"Stream %s under account %s has already been scaled %d times in the last 24 hours.", s.name, svc.cfg.account, MaxScalingsPerDay)
	}
	s.scalings = append(s.scalings, now)
	target := in.TargetShardCount
	s.transitionLocked(now, StreamStatusUpdating, func(at time.Time) { s.uniformLocked(target, at) })
	return UpdateShardCountOutput{StreamName: s.name, StreamARN: s.arn, CurrentShardCount: cur, TargetShardCount: target}, nil
}

// uniformLocked reshards to n equal open shards: first every open shard is
// split at each target boundary inside it, then the pieces of each target
// range are merged left to right. s.mu must be held.
func (s *Stream) uniformLocked(n int, at time.Time) {
	starts := uniformStarts(n)
	var pieces []*shard
	bi := 1
	for _, sh := range slices.Clone(s.open) {
		piece := sh
		for bi < n && starts[bi].cmp(piece.end) <= 0 {
			b := starts[bi]
			bi++
			if b.cmp(piece.start) <= 0 {
				continue
			}
			var left *shard
			left, piece = s.splitLocked(piece, b, at)
			pieces = append(pieces, left)
		}
		pieces = append(pieces, piece)
	}
	ti := 0
	end := func(i int) hashKey {
		if i+1 < n {
			return starts[i+1].sub(1)
		}
		return maxHashKey
	}
	var acc *shard
	for _, p := range pieces {
		for p.start.cmp(end(ti)) > 0 {
			ti++
			acc = nil
		}
		if acc == nil {
			acc = p
		} else {
			acc = s.mergeLocked(acc, p, at)
		}
	}
	s.setOpenLocked()
}

// validateShardIDText applies AWS's ShardId pattern.
func validateShardIDText(field, id string) error {
	if id == "" || len(id) > 128 {
		return errValidationValue(id, field, "Member must have length between 1 and 128")
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return errValidationValue(id, field, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
		}
	}
	return nil
}

package stream

import (
	"context"
	"slices"
	"time"
)

// Capacity-mode limits.
const (
	// MaxModeChangesPerDay is how many UpdateStreamMode calls a stream
	// takes in a rolling 24 hours.
	MaxModeChangesPerDay = 2
	// OnDemandSplitBytesPerSecond is the average write rate over an
	// on-demand scaling window above which a shard is split.
	OnDemandSplitBytesPerSecond = 500_000
	// OnDemandScalingWindow is the window on-demand scaling looks at.
	OnDemandScalingWindow = 15 * time.Minute
	// MaxWarmThroughputMiBps is the largest warm throughput.
	MaxWarmThroughputMiBps = 10240
	// AdvantageCommitment is the least time On-demand Advantage stays
	// enabled once enabled.
	AdvantageCommitment = 24 * time.Hour
)

// UpdateStreamModeInput is the input of [Service.UpdateStreamMode].
type UpdateStreamModeInput struct {
	StreamARN         string
	StreamModeDetails StreamModeDetails
}

// UpdateStreamMode switches a stream between PROVISIONED and ON_DEMAND. The
// stream is UPDATING for the transition delay and keeps its shards. A
// stream takes two switches in a rolling 24 hours.
func (svc *Service) UpdateStreamMode(ctx context.Context, in UpdateStreamModeInput) error {
	mode := in.StreamModeDetails.StreamMode
	if mode != StreamModeProvisioned && mode != StreamModeOnDemand {
		return errValidationValue(mode, "streamModeDetails.streamMode", "Member must satisfy enum value set: [ON_DEMAND, PROVISIONED]")
	}
	if in.StreamARN == "" {
		return errValidation("streamARN", "Member must not be null")
	}
	s, err := svc.resolve("", in.StreamARN)
	if err != nil {
		return err
	}
	if err := svc.rate(ctx, opUpdateStreamMode, nil); err != nil {
		return err
	}
	onDemand := 0
	svc.mu.Lock()
	svc.liveLocked(func(o *Stream) bool {
		if o != s && o.mode == StreamModeOnDemand {
			onDemand++
		}
		return true
	})
	svc.mu.Unlock()
	now, err := s.lock()
	if err != nil {
		return err
	}
	defer s.mu.Unlock()
	if s.status != StreamStatusActive {
		return s.errNotActive()
	}
	if mode == StreamModeOnDemand && onDemand >= svc.cfg.onDemandMax {
		return errorf(ErrLimitExceededException,
			"This request would exceed the limit of %d on-demand streams for account %s.", svc.cfg.onDemandMax, svc.cfg.account)
	}
	if s.mode == mode {
		return errorf(ErrInvalidArgumentException, "Stream %s under account %s is already in %s mode.", s.name, svc.cfg.account, mode)
	}
	s.modeChanges = slices.DeleteFunc(s.modeChanges, func(t time.Time) bool { return !t.After(now.Add(-scalingWindow)) })
	if len(s.modeChanges) >= MaxModeChangesPerDay {
		return errorf(ErrLimitExceededException,
			"Stream %s under account %s has already changed capacity mode %d times in the last 24 hours.", s.name, svc.cfg.account, MaxModeChangesPerDay)
	}
	s.modeChanges = append(s.modeChanges, now)
	s.transitionLocked(now, StreamStatusUpdating, func(at time.Time) {
		s.mode = mode
		s.demand = demandTracker{windowEnd: at.Add(OnDemandScalingWindow)}
		for _, sh := range s.open {
			sh.demandBytes = 0
		}
	})
	return nil
}

// onDemandSplitRate is OnDemandSplitBytesPerSecond; tests lower it
// (export_test.go) so a hot window needs megabytes, not 450 MB.
var onDemandSplitRate int64 = OnDemandSplitBytesPerSecond

// demandTracker is an on-demand stream's scaling clock: the end of the
// current window. Each shard counts the bytes written to it in the window.
type demandTracker struct {
	windowEnd time.Time
}

// scaleLocked applies on-demand scaling for every window that ended by now:
// a shard that took more than OnDemandSplitBytesPerSecond on average over
// the window is split at the middle of its range when the window ends.
// s.mu must be held.
func (d *demandTracker) scaleLocked(s *Stream, now time.Time) {
	if d.windowEnd.IsZero() {
		d.windowEnd = now.Add(OnDemandScalingWindow)
		return
	}
	if now.Before(d.windowEnd) {
		return
	}
	at := d.windowEnd
	limit := onDemandSplitRate * int64(OnDemandScalingWindow/time.Second)
	split := false
	for _, sh := range slices.Clone(s.open) {
		hot := sh.demandBytes > limit
		sh.demandBytes = 0
		if !hot || len(s.open) >= MaxShardsPerStream {
			continue
		}
		// The middle of [start, end]: start + (end-start+1)/2.
		width := sh.end.big()
		width.Sub(width, sh.start.big())
		width.Rsh(width, 1)
		mid := hashKeyFromBig(width.Add(width, sh.start.big())).add(1)
		if mid.cmp(sh.start.add(1)) > 0 && mid.cmp(sh.end) < 0 {
			s.splitLocked(sh, mid, at)
			split = true
		}
	}
	if split {
		s.setOpenLocked()
	}
	// The next window starts when this one ended; empty windows in between
	// change nothing.
	for !now.Before(d.windowEnd) {
		d.windowEnd = d.windowEnd.Add(OnDemandScalingWindow)
	}
}

// MinimumThroughputBillingCommitmentStatus is the state of an account's
// On-demand Advantage commitment.
type MinimumThroughputBillingCommitmentStatus string

// The commitment states. A commitment disabled within 24 hours of being
// enabled stays ENABLED_UNTIL_EARLIEST_ALLOWED_END until then.
const (
	CommitmentEnabled                        MinimumThroughputBillingCommitmentStatus = "ENABLED"
	CommitmentDisabled                       MinimumThroughputBillingCommitmentStatus = "DISABLED"
	CommitmentEnabledUntilEarliestAllowedEnd MinimumThroughputBillingCommitmentStatus = "ENABLED_UNTIL_EARLIEST_ALLOWED_END"
)

// MinimumThroughputBillingCommitmentInput is the setting
// UpdateAccountSettings takes.
type MinimumThroughputBillingCommitmentInput struct {
	// Status is ENABLED or DISABLED.
	Status MinimumThroughputBillingCommitmentStatus
}

// MinimumThroughputBillingCommitmentOutput is the account's commitment.
type MinimumThroughputBillingCommitmentOutput struct {
	Status               MinimumThroughputBillingCommitmentStatus
	StartedAt            time.Time
	EndedAt              time.Time // zero while enabled
	EarliestAllowedEndAt time.Time
}

// UpdateAccountSettingsInput is the input of [Service.UpdateAccountSettings].
type UpdateAccountSettingsInput struct {
	MinimumThroughputBillingCommitment MinimumThroughputBillingCommitmentInput
}

// AccountSettingsOutput is the output of [Service.UpdateAccountSettings]
// and [Service.DescribeAccountSettings].
type AccountSettingsOutput struct {
	MinimumThroughputBillingCommitment *MinimumThroughputBillingCommitmentOutput
}

// accountSettings is the account's On-demand Advantage commitment.
type accountSettings struct {
	started, ended time.Time // ended is zero while enabled
}

// advantage reports whether On-demand Advantage is in force at now.
func (svc *Service) advantage(now time.Time) bool {
	svc.mu.Lock()
	defer svc.mu.Unlock()
	return svc.advantageLocked(now)
}

func (svc *Service) advantageLocked(now time.Time) bool {
	a := svc.settings
	return !a.started.IsZero() && (a.ended.IsZero() || now.Before(a.ended))
}

func (svc *Service) commitmentLocked(now time.Time) *MinimumThroughputBillingCommitmentOutput {
	a := svc.settings
	if a.started.IsZero() {
		return nil
	}
	out := &MinimumThroughputBillingCommitmentOutput{StartedAt: a.started, EarliestAllowedEndAt: a.started.Add(AdvantageCommitment), EndedAt: a.ended}
	switch {
	case a.ended.IsZero():
		out.Status = CommitmentEnabled
	case now.Before(a.ended):
		out.Status = CommitmentEnabledUntilEarliestAllowedEnd
	default:
		out.Status = CommitmentDisabled
	}
	return out
}

// UpdateAccountSettings enables or disables On-demand Advantage for the
// account: warm throughput on on-demand streams, and 50 enhanced fan-out
// consumers a stream instead of 20. Once enabled it lasts at least 24
// hours: disabling it sooner leaves it in force until then.
func (svc *Service) UpdateAccountSettings(ctx context.Context, in UpdateAccountSettingsInput) (AccountSettingsOutput, error) {
	if err := ctx.Err(); err != nil {
		return AccountSettingsOutput{}, err
	}
	svc.mu.Lock()
	defer svc.mu.Unlock()
	if svc.isClosed() {
		return AccountSettingsOutput{}, errClosed()
	}
	now := svc.cfg.clock.Now()
	switch in.MinimumThroughputBillingCommitment.Status {
	case CommitmentEnabled:
		if !svc.advantageLocked(now) {
			svc.settings = accountSettings{started: now}
		} else {
			svc.settings.ended = time.Time{}
		}
	case CommitmentDisabled:
		if svc.advantageLocked(now) && svc.settings.ended.IsZero() {
			svc.settings.ended = svc.settings.started.Add(AdvantageCommitment)
			if now.After(svc.settings.ended) {
				svc.settings.ended = now
			}
		}
	default:
		return AccountSettingsOutput{}, errValidationValue(in.MinimumThroughputBillingCommitment.Status,
			"minimumThroughputBillingCommitment.status", "Member must satisfy enum value set: [ENABLED, DISABLED]")
	}
	return AccountSettingsOutput{MinimumThroughputBillingCommitment: svc.commitmentLocked(now)}, nil
}

// DescribeAccountSettings returns the account's On-demand Advantage
// commitment (nil if it was never enabled).
func (svc *Service) DescribeAccountSettings(ctx context.Context) (AccountSettingsOutput, error) {
	if err := ctx.Err(); err != nil {
		return AccountSettingsOutput{}, err
	}
	svc.mu.Lock()
	defer svc.mu.Unlock()
	return AccountSettingsOutput{MinimumThroughputBillingCommitment: svc.commitmentLocked(svc.cfg.clock.Now())}, nil
}

// checkWarmLocked validates a warm throughput. svc.mu must be held.
func (svc *Service) checkWarmLocked(now time.Time, mode StreamMode, mibps int) error {
	switch {
	case mibps < 1 || mibps > MaxWarmThroughputMiBps:
		return errValidationValue(mibps, "warmThroughputMiBps", "Member must have value between 1 and 10240")
	case mode != StreamModeOnDemand:
		return errorf(ErrInvalidArgumentException, "Warm throughput is only supported for streams in ON_DEMAND mode.")
	case !svc.advantageLocked(now):
		return errorf(ErrInvalidArgumentException, "Warm throughput requires the account to have a minimum throughput billing commitment enabled.")
	}
	return nil
}

// UpdateStreamWarmThroughputInput is the input of
// [Service.UpdateStreamWarmThroughput].
type UpdateStreamWarmThroughputInput struct {
	StreamName          string
	StreamARN           string
	WarmThroughputMiBps int
}

// UpdateStreamWarmThroughputOutput is its output.
type UpdateStreamWarmThroughputOutput struct {
	StreamName     string
	StreamARN      string
	WarmThroughput WarmThroughputObject
}

// UpdateStreamWarmThroughput sets an on-demand stream's warm throughput
// (On-demand Advantage only). The stream is UPDATING for the transition
// delay. sluice stores the value; its on-demand streams are never
// throttled below it.
func (svc *Service) UpdateStreamWarmThroughput(ctx context.Context, in UpdateStreamWarmThroughputInput) (UpdateStreamWarmThroughputOutput, error) {
	s, err := svc.resolve(in.StreamName, in.StreamARN)
	if err != nil {
		return UpdateStreamWarmThroughputOutput{}, err
	}
	if err := svc.rate(ctx, opUpdateStreamMode, nil); err != nil {
		return UpdateStreamWarmThroughputOutput{}, err
	}
	svc.mu.Lock()
	now := svc.cfg.clock.Now()
	adv := svc.advantageLocked(now)
	svc.mu.Unlock()
	now, err = s.lock()
	if err != nil {
		return UpdateStreamWarmThroughputOutput{}, err
	}
	defer s.mu.Unlock()
	switch {
	case in.WarmThroughputMiBps < 1 || in.WarmThroughputMiBps > MaxWarmThroughputMiBps:
		return UpdateStreamWarmThroughputOutput{}, errValidationValue(in.WarmThroughputMiBps, "warmThroughputMiBps", "Member must have value between 1 and 10240")
	case s.mode != StreamModeOnDemand:
		return UpdateStreamWarmThroughputOutput{}, errorf(ErrInvalidArgumentException, "Warm throughput is only supported for streams in ON_DEMAND mode.")
	case !adv:
		return UpdateStreamWarmThroughputOutput{}, errorf(ErrInvalidArgumentException, "Warm throughput requires the account to have a minimum throughput billing commitment enabled.")
	case s.status != StreamStatusActive:
		return UpdateStreamWarmThroughputOutput{}, s.errNotActive()
	}
	cur := s.warm
	target := in.WarmThroughputMiBps
	s.transitionLocked(now, StreamStatusUpdating, func(time.Time) { s.warm = target })
	return UpdateStreamWarmThroughputOutput{StreamName: s.name, StreamARN: s.arn,
		WarmThroughput: WarmThroughputObject{TargetMiBps: target, CurrentMiBps: cur}}, nil
}

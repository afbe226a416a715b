package stream

import (
	"context"
	"time"
)

// RetentionPeriodInput is the input of
// [Service.IncreaseStreamRetentionPeriod] and
// [Service.DecreaseStreamRetentionPeriod].
type RetentionPeriodInput struct {
	StreamName           string
	StreamARN            string
	RetentionPeriodHours int
}

// IncreaseStreamRetentionPeriod raises how long records are kept, up to
// 8,760 hours (365 days). Records already past the old period stay gone.
func (svc *Service) IncreaseStreamRetentionPeriod(ctx context.Context, in RetentionPeriodInput) error {
	return svc.setRetention(ctx, in, true)
}

// DecreaseStreamRetentionPeriod lowers how long records are kept, down to
// 24 hours. Records older than the new period vanish at once.
func (svc *Service) DecreaseStreamRetentionPeriod(ctx context.Context, in RetentionPeriodInput) error {
	return svc.setRetention(ctx, in, false)
}

func (svc *Service) setRetention(ctx context.Context, in RetentionPeriodInput, increase bool) error {
	s, err := svc.resolve(in.StreamName, in.StreamARN)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	h := in.RetentionPeriodHours
	switch {
	case h < int(DefaultRetentionPeriod/time.Hour):
		return errorf(ErrInvalidArgumentException,
			"Minimum allowed retention period is 24 hours. Requested retention period (%d hours) is too short.", h)
	case h > int(MaxRetentionPeriod/time.Hour):
		return errorf(ErrInvalidArgumentException,
			"Maximum allowed retention period is 8760 hours. Requested retention period (%d hours) is too long.", h)
	}
	now, err := s.lock()
	if err != nil {
		return err
	}
	defer s.mu.Unlock()
	if s.status != StreamStatusActive {
		return s.errNotActive()
	}
	cur := int(s.retention / time.Hour)
	if increase && h < cur {
		return errorf(ErrInvalidArgumentException,
			"Requested retention period (%d hours) for stream %s can not be shorter than existing retention period (%d hours). Use DecreaseRetentionPeriod API.",
			h, s.name, cur)
	}
	if !increase && h > cur {
		return errorf(ErrInvalidArgumentException,
			"Requested retention period (%d hours) for stream %s can not be longer than existing retention period (%d hours). Use IncreaseRetentionPeriod API.",
			h, s.name, cur)
	}
	s.retention = time.Duration(h) * time.Hour
	s.catchUpLocked(now)
	return nil
}

package analytics

import (
	"context"
	"strings"

	"github.com/sluicehq/sluice/firehose"
)

// WithFirehose sets the Data Firehose service whose delivery streams
// KinesisFirehoseInput inputs name by ARN.
func WithFirehose(f *firehose.Service) Option { return func(cfg *config) { cfg.firehoses = f } }

// deliveryStream resolves a KinesisFirehoseInput's ResourceARN.
func (s *Service) deliveryStream(arn string) (*firehose.DeliveryStream, error) {
	if s.cfg.firehoses == nil {
		return nil, errorf(ErrInvalidArgumentException,
			"Firehose delivery stream %s cannot be read: the analytics Service has no firehose Service (WithFirehose)", arn)
	}
	_, name, ok := strings.Cut(arn, ":deliverystream/")
	if !ok || !strings.HasPrefix(arn, "arn:aws:firehose:") {
		return nil, errorf(ErrInvalidArgumentException, "%s is not a Firehose delivery stream ARN", arn)
	}
	d, err := s.cfg.firehoses.DeliveryStream(context.Background(), name)
	if err != nil || d.ARN() != arn {
		return nil, errorf(ErrInvalidArgumentException, "Firehose delivery stream %s not found", arn)
	}
	return d, nil
}

// startFirehoseLocked starts reading ai's delivery stream: every record it
// accepts from then on (a delivery stream keeps nothing to re-read, so
// every starting position is NOW). a.mu must be held.
func (a *Application) startFirehoseLocked(ai *appInput) {
	if ai.untap != nil {
		ai.untap()
		ai.untap = nil
	}
	d, err := a.svc.deliveryStream(ai.cfg.KinesisFirehoseInput.ResourceARN)
	if err != nil {
		a.svc.cfg.logger.Warn("analytics: reading the Firehose input failed", "application", a.name, "error", err)
		return
	}
	ai.tapGen++
	gen := ai.tapGen
	ai.untap = d.Tap(func(ctx context.Context, recs []firehose.TapRecord) {
		if a.appendFirehose(ai, gen, recs) {
			_ = a.step(ctx)
		}
	})
}

// appendFirehose queues records a delivery stream accepted; false when
// the tap is stale (the application stopped or restarted).
func (a *Application) appendFirehose(ai *appInput, gen uint64, recs []firehose.TapRecord) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if ai.untap == nil || ai.tapGen != gen {
		return false
	}
	for _, r := range recs {
		ai.log = append(ai.log, inputRecord{seq: ai.nextSeq, data: r.Data, arrival: r.Arrival.UnixMilli()})
		ai.nextSeq++
	}
	return true
}

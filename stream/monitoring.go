package stream

import (
	"context"
	"slices"
)

// MetricsName is a shard-level CloudWatch metric of enhanced monitoring.
type MetricsName string

// The shard-level metrics. MetricsAll stands for all of the others.
const (
	MetricsIncomingBytes                      MetricsName = "IncomingBytes"
	MetricsIncomingRecords                    MetricsName = "IncomingRecords"
	MetricsOutgoingBytes                      MetricsName = "OutgoingBytes"
	MetricsOutgoingRecords                    MetricsName = "OutgoingRecords"
	MetricsWriteProvisionedThroughputExceeded MetricsName = "WriteProvisionedThroughputExceeded"
	MetricsReadProvisionedThroughputExceeded  MetricsName = "ReadProvisionedThroughputExceeded"
	MetricsIteratorAgeMilliseconds            MetricsName = "IteratorAgeMilliseconds"
	MetricsAll                                MetricsName = "ALL"
)

var allMetrics = []MetricsName{
	MetricsIncomingBytes, MetricsIncomingRecords, MetricsOutgoingBytes, MetricsOutgoingRecords,
	MetricsWriteProvisionedThroughputExceeded, MetricsReadProvisionedThroughputExceeded, MetricsIteratorAgeMilliseconds,
}

// EnhancedMetrics lists the shard-level metrics enabled on a stream.
type EnhancedMetrics struct {
	ShardLevelMetrics []MetricsName
}

// EnhancedMonitoringInput is the input of
// [Service.EnableEnhancedMonitoring] and [Service.DisableEnhancedMonitoring].
type EnhancedMonitoringInput struct {
	StreamName        string
	StreamARN         string
	ShardLevelMetrics []MetricsName
}

// EnhancedMonitoringOutput is their output: the metrics enabled before and
// after the call.
type EnhancedMonitoringOutput struct {
	StreamName               string
	StreamARN                string
	CurrentShardLevelMetrics []MetricsName
	DesiredShardLevelMetrics []MetricsName
}

// EnableEnhancedMonitoring enables shard-level metrics. sluice records the
// setting; it publishes no metrics.
func (svc *Service) EnableEnhancedMonitoring(ctx context.Context, in EnhancedMonitoringInput) (EnhancedMonitoringOutput, error) {
	return svc.monitoring(ctx, in, true)
}

// DisableEnhancedMonitoring disables shard-level metrics.
func (svc *Service) DisableEnhancedMonitoring(ctx context.Context, in EnhancedMonitoringInput) (EnhancedMonitoringOutput, error) {
	return svc.monitoring(ctx, in, false)
}

func (svc *Service) monitoring(ctx context.Context, in EnhancedMonitoringInput, enable bool) (EnhancedMonitoringOutput, error) {
	if len(in.ShardLevelMetrics) == 0 || len(in.ShardLevelMetrics) > 7 {
		return EnhancedMonitoringOutput{}, errValidation("shardLevelMetrics", "Member must have length between 1 and 7")
	}
	var names []MetricsName
	for _, m := range in.ShardLevelMetrics {
		switch {
		case m == MetricsAll:
			names = append(names, allMetrics...)
		case slices.Contains(allMetrics, m):
			names = append(names, m)
		default:
			return EnhancedMonitoringOutput{}, errValidationValue(m, "shardLevelMetrics",
				"Member must satisfy enum value set: [IncomingBytes, IncomingRecords, OutgoingBytes, OutgoingRecords, WriteProvisionedThroughputExceeded, ReadProvisionedThroughputExceeded, IteratorAgeMilliseconds, ALL]")
		}
	}
	s, err := svc.resolve(in.StreamName, in.StreamARN)
	if err != nil {
		return EnhancedMonitoringOutput{}, err
	}
	if err := ctx.Err(); err != nil {
		return EnhancedMonitoringOutput{}, err
	}
	if _, err := s.lock(); err != nil {
		return EnhancedMonitoringOutput{}, err
	}
	defer s.mu.Unlock()
	if s.status != StreamStatusActive {
		return EnhancedMonitoringOutput{}, s.errNotActive()
	}
	out := EnhancedMonitoringOutput{StreamName: s.name, StreamARN: s.arn, CurrentShardLevelMetrics: slices.Clone(s.metrics)}
	var next []MetricsName
	for _, m := range allMetrics {
		was, named := slices.Contains(s.metrics, m), slices.Contains(names, m)
		if enable && (was || named) || !enable && was && !named {
			next = append(next, m)
		}
	}
	s.metrics = next
	out.DesiredShardLevelMetrics = slices.Clone(next)
	return out, nil
}

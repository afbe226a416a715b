package analytics

import (
	"context"
	"slices"
)

// CloudWatchLoggingOption names a CloudWatch Logs stream an application
// would write its errors to. sluice records it (and returns it in
// [Service.DescribeApplication]) but writes no logs there: read
// error_stream with [Application.Subscribe] instead.
type CloudWatchLoggingOption struct {
	LogStreamARN string
	RoleARN      string
}

// CloudWatchLoggingOptionDescription is a configured logging option.
type CloudWatchLoggingOptionDescription struct {
	CloudWatchLoggingOptionId string
	CloudWatchLoggingOption
}

type appLogging struct {
	id  string
	cfg CloudWatchLoggingOption
}

// AddApplicationCloudWatchLoggingOptionInput is the input of
// [Service.AddApplicationCloudWatchLoggingOption].
type AddApplicationCloudWatchLoggingOptionInput struct {
	ApplicationName             string
	CurrentApplicationVersionId int64
	CloudWatchLoggingOption     CloudWatchLoggingOption
}

// AddApplicationCloudWatchLoggingOption adds a logging option.
func (s *Service) AddApplicationCloudWatchLoggingOption(ctx context.Context, in AddApplicationCloudWatchLoggingOptionInput) error {
	return s.mutate(ctx, in.ApplicationName, in.CurrentApplicationVersionId, func(a *Application) error {
		if in.CloudWatchLoggingOption.LogStreamARN == "" || in.CloudWatchLoggingOption.RoleARN == "" {
			return errorf(ErrInvalidArgumentException, "CloudWatchLoggingOption needs a LogStreamARN and a RoleARN")
		}
		for _, l := range a.logging {
			if l.cfg.LogStreamARN == in.CloudWatchLoggingOption.LogStreamARN {
				return errorf(ErrInvalidArgumentException, "log stream %s is already configured", l.cfg.LogStreamARN)
			}
		}
		a.logging = append(a.logging, &appLogging{id: a.newID(), cfg: in.CloudWatchLoggingOption})
		return nil
	})
}

// DeleteApplicationCloudWatchLoggingOptionInput is the input of
// [Service.DeleteApplicationCloudWatchLoggingOption].
type DeleteApplicationCloudWatchLoggingOptionInput struct {
	ApplicationName             string
	CurrentApplicationVersionId int64
	CloudWatchLoggingOptionId   string
}

// DeleteApplicationCloudWatchLoggingOption removes a logging option.
func (s *Service) DeleteApplicationCloudWatchLoggingOption(ctx context.Context, in DeleteApplicationCloudWatchLoggingOptionInput) error {
	return s.mutate(ctx, in.ApplicationName, in.CurrentApplicationVersionId, func(a *Application) error {
		i := slices.IndexFunc(a.logging, func(l *appLogging) bool { return l.id == in.CloudWatchLoggingOptionId })
		if i < 0 {
			return errorf(ErrResourceNotFoundException, "CloudWatch logging option %s not found", in.CloudWatchLoggingOptionId)
		}
		a.logging = slices.Delete(a.logging, i, i+1)
		return nil
	})
}

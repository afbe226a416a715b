package queue

import (
	"context"
	"maps"
	"strings"
	"unicode/utf8"
)

// Tag limits.
const (
	MaxTags           = 50
	maxTagKeyLength   = 128
	maxTagValueLength = 256
)

// validateTags applies the tag rules to a set of tags on its own.
func validateTags(name string, tags map[string]string) error {
	if len(tags) > MaxTags {
		return errorf(ErrInvalidParameterValue, "Too many tags added for queue %s.", name)
	}
	for k, v := range tags {
		if k == "" || utf8.RuneCountInString(k) > maxTagKeyLength {
			return errorf(ErrInvalidParameterValue, "Tag keys must be between 1 and %d characters in length.", maxTagKeyLength)
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return errorf(ErrInvalidParameterValue, "Tag keys must not start with the reserved prefix 'aws:'.")
		}
		if utf8.RuneCountInString(v) > maxTagValueLength {
			return errorf(ErrInvalidParameterValue, "Tag values must be between 0 and %d characters in length.", maxTagValueLength)
		}
	}
	return nil
}

// TagQueueInput is the input of [Queue.TagQueue].
type TagQueueInput struct {
	Tags map[string]string
}

// TagQueueOutput is empty, as in AWS.
type TagQueueOutput struct{}

// TagQueue adds tags, overwriting the values of keys the queue has.
func (q *Queue) TagQueue(ctx context.Context, in TagQueueInput) (TagQueueOutput, error) {
	if len(in.Tags) == 0 {
		return TagQueueOutput{}, errorf(ErrMissingParameter, "The request must contain the parameter Tags.")
	}
	if err := validateTags(q.name, in.Tags); err != nil {
		return TagQueueOutput{}, err
	}
	q.lock()
	defer q.mu.Unlock()
	if err := q.checkLocked(); err != nil {
		return TagQueueOutput{}, err
	}
	merged := maps.Clone(q.tags)
	maps.Copy(merged, in.Tags)
	if err := validateTags(q.name, merged); err != nil {
		return TagQueueOutput{}, err
	}
	q.tags = merged
	return TagQueueOutput{}, nil
}

// UntagQueueInput is the input of [Queue.UntagQueue].
type UntagQueueInput struct {
	TagKeys []string
}

// UntagQueueOutput is empty, as in AWS.
type UntagQueueOutput struct{}

// UntagQueue removes tags by key; keys the queue lacks are ignored.
func (q *Queue) UntagQueue(ctx context.Context, in UntagQueueInput) (UntagQueueOutput, error) {
	if len(in.TagKeys) == 0 {
		return UntagQueueOutput{}, errorf(ErrMissingParameter, "The request must contain the parameter TagKeys.")
	}
	q.lock()
	defer q.mu.Unlock()
	if err := q.checkLocked(); err != nil {
		return UntagQueueOutput{}, err
	}
	for _, k := range in.TagKeys {
		delete(q.tags, k)
	}
	return UntagQueueOutput{}, nil
}

// ListQueueTagsInput is the input of [Queue.ListQueueTags].
type ListQueueTagsInput struct{}

// ListQueueTagsOutput is the output of [Queue.ListQueueTags].
type ListQueueTagsOutput struct {
	Tags map[string]string
}

// ListQueueTags returns the queue's tags.
func (q *Queue) ListQueueTags(ctx context.Context, in ListQueueTagsInput) (ListQueueTagsOutput, error) {
	q.lock()
	defer q.mu.Unlock()
	if err := q.checkLocked(); err != nil {
		return ListQueueTagsOutput{}, err
	}
	return ListQueueTagsOutput{Tags: maps.Clone(q.tags)}, nil
}

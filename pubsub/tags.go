package pubsub

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

// validateTags applies the rules each tag must meet on its own.
func validateTags(tags map[string]string) error {
	if len(tags) > MaxTags {
		return errTagLimit()
	}
	for k, v := range tags {
		if k == "" || utf8.RuneCountInString(k) > maxTagKeyLength {
			return errParam("Tags Reason: Tag keys must be between 1 and %d characters in length.", maxTagKeyLength)
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return errParam("Tags Reason: Tag keys must not start with the reserved prefix 'aws:'.")
		}
		if utf8.RuneCountInString(v) > maxTagValueLength {
			return errParam("Tags Reason: Tag values must be between 0 and %d characters in length.", maxTagValueLength)
		}
	}
	return nil
}

func errTagLimit() *Error {
	return ErrTagLimitExceeded.WithMessage("Could not complete request: tag quota of per resource exceeded")
}

// taggedTopic finds the topic a tagging operation names.
func (s *Service) taggedTopic(arn string) (*Topic, error) {
	t, err := s.topicFromARN(arn, "ResourceArn")
	if err != nil {
		if e, ok := err.(*Error); ok && e.Code == ErrNotFound.Code {
			return nil, ErrResourceNotFound.WithMessage("Resource does not exist")
		}
		return nil, err
	}
	return t, nil
}

// TagResourceInput is the input of [Service.TagResource].
type TagResourceInput struct {
	ResourceArn string
	// Tags by key. AWS takes a list of Key/Value pairs.
	Tags map[string]string
}

// TagResourceOutput is empty, as in AWS.
type TagResourceOutput struct{}

// TagResource adds tags to a topic, overwriting the values of keys it has.
// A topic holds at most 50 tags.
func (s *Service) TagResource(ctx context.Context, in TagResourceInput) (TagResourceOutput, error) {
	if err := validateTags(in.Tags); err != nil {
		return TagResourceOutput{}, err
	}
	t, err := s.taggedTopic(in.ResourceArn)
	if err != nil {
		return TagResourceOutput{}, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.checkLocked(); err != nil {
		return TagResourceOutput{}, ErrResourceNotFound.WithMessage("Resource does not exist")
	}
	merged := maps.Clone(t.tags)
	maps.Copy(merged, in.Tags)
	if len(merged) > MaxTags {
		return TagResourceOutput{}, errTagLimit()
	}
	t.tags = merged
	return TagResourceOutput{}, nil
}

// UntagResourceInput is the input of [Service.UntagResource].
type UntagResourceInput struct {
	ResourceArn string
	TagKeys     []string
}

// UntagResourceOutput is empty, as in AWS.
type UntagResourceOutput struct{}

// UntagResource removes tags from a topic; absent keys are ignored.
func (s *Service) UntagResource(ctx context.Context, in UntagResourceInput) (UntagResourceOutput, error) {
	t, err := s.taggedTopic(in.ResourceArn)
	if err != nil {
		return UntagResourceOutput{}, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.checkLocked(); err != nil {
		return UntagResourceOutput{}, ErrResourceNotFound.WithMessage("Resource does not exist")
	}
	for _, k := range in.TagKeys {
		delete(t.tags, k)
	}
	return UntagResourceOutput{}, nil
}

// ListTagsForResourceInput is the input of [Service.ListTagsForResource].
type ListTagsForResourceInput struct {
	ResourceArn string
}

// ListTagsForResourceOutput is the output of [Service.ListTagsForResource].
type ListTagsForResourceOutput struct {
	Tags map[string]string
}

// ListTagsForResource returns a topic's tags.
func (s *Service) ListTagsForResource(ctx context.Context, in ListTagsForResourceInput) (ListTagsForResourceOutput, error) {
	t, err := s.taggedTopic(in.ResourceArn)
	if err != nil {
		return ListTagsForResourceOutput{}, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.checkLocked(); err != nil {
		return ListTagsForResourceOutput{}, ErrResourceNotFound.WithMessage("Resource does not exist")
	}
	return ListTagsForResourceOutput{Tags: maps.Clone(t.tags)}, nil
}

package stream

import (
	"context"
	"maps"
	"slices"
	"unicode/utf8"
)

// Tag limits.
const (
	MaxTags           = 50
	maxTagKeyLength   = 128
	maxTagValueLength = 256
)

// Tag is one tag, as ListTagsForStream returns them.
type Tag struct {
	Key   string
	Value string
}

// validateTags applies the key and value rules.
func validateTags(tags map[string]string) error {
	if len(tags) > MaxTags {
		return errorf(ErrInvalidArgumentException, "A resource cannot have more than %d tags.", MaxTags)
	}
	for k, v := range tags {
		if k == "" || utf8.RuneCountInString(k) > maxTagKeyLength {
			return errValidationValue(k, "tags.key", "Member must have length between 1 and 128")
		}
		if utf8.RuneCountInString(v) > maxTagValueLength {
			return errValidationValue(v, "tags.value", "Member must have length less than or equal to 256")
		}
	}
	return nil
}

// addTags merges add into tags (existing keys take the new values), unless
// the result would hold more than 50 tags.
func addTags(tags, add map[string]string, what string) error {
	if err := validateTags(add); err != nil {
		return err
	}
	n := len(tags)
	for k := range add {
		if _, ok := tags[k]; !ok {
			n++
		}
	}
	if n > MaxTags {
		return errorf(ErrInvalidArgumentException, "Failed to add tags to %s because a given resource cannot have more than %d tags.", what, MaxTags)
	}
	maps.Copy(tags, add)
	return nil
}

// AddTagsToStreamInput is the input of [Service.AddTagsToStream].
type AddTagsToStreamInput struct {
	StreamName string
	StreamARN  string
	Tags       map[string]string
}

// AddTagsToStream adds tags to a stream, overwriting the values of keys it
// already has. A stream holds at most 50 tags.
func (svc *Service) AddTagsToStream(ctx context.Context, in AddTagsToStreamInput) error {
	if len(in.Tags) == 0 {
		return errValidation("tags", "Member must have length greater than or equal to 1")
	}
	s, err := svc.resolve(in.StreamName, in.StreamARN)
	if err != nil {
		return err
	}
	if err := svc.rate(ctx, opTags, nil); err != nil {
		return err
	}
	if _, err := s.lock(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	return addTags(s.tags, in.Tags, "stream "+s.name+" under account "+svc.cfg.account)
}

// RemoveTagsFromStreamInput is the input of [Service.RemoveTagsFromStream].
type RemoveTagsFromStreamInput struct {
	StreamName string
	StreamARN  string
	TagKeys    []string
}

// RemoveTagsFromStream removes tags by key; absent keys are ignored.
func (svc *Service) RemoveTagsFromStream(ctx context.Context, in RemoveTagsFromStreamInput) error {
	if len(in.TagKeys) == 0 || len(in.TagKeys) > MaxTags {
		return errValidation("tagKeys", "Member must have length between 1 and 50")
	}
	s, err := svc.resolve(in.StreamName, in.StreamARN)
	if err != nil {
		return err
	}
	if err := svc.rate(ctx, opTags, nil); err != nil {
		return err
	}
	if _, err := s.lock(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	for _, k := range in.TagKeys {
		delete(s.tags, k)
	}
	return nil
}

// ListTagsForStreamInput is the input of [Service.ListTagsForStream].
type ListTagsForStreamInput struct {
	StreamName string
	StreamARN  string
	// ExclusiveStartTagKey starts the list after this key.
	ExclusiveStartTagKey string
	// Limit is the most tags to return: 1..50, default 50.
	Limit *int
}

// ListTagsForStreamOutput is the output of [Service.ListTagsForStream].
type ListTagsForStreamOutput struct {
	Tags        []Tag
	HasMoreTags bool
}

// ListTagsForStream lists a stream's tags in key order, a page at a time.
func (svc *Service) ListTagsForStream(ctx context.Context, in ListTagsForStreamInput) (ListTagsForStreamOutput, error) {
	limit := MaxTags
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > MaxTags {
			return ListTagsForStreamOutput{}, errValidationValue(*in.Limit, "limit", "Member must have value between 1 and 50")
		}
		limit = *in.Limit
	}
	s, err := svc.resolve(in.StreamName, in.StreamARN)
	if err != nil {
		return ListTagsForStreamOutput{}, err
	}
	if _, err := s.lock(); err != nil {
		return ListTagsForStreamOutput{}, err
	}
	defer s.mu.Unlock()
	out := ListTagsForStreamOutput{Tags: []Tag{}}
	for _, k := range slices.Sorted(maps.Keys(s.tags)) {
		if k <= in.ExclusiveStartTagKey {
			continue
		}
		if len(out.Tags) == limit {
			out.HasMoreTags = true
			break
		}
		out.Tags = append(out.Tags, Tag{k, s.tags[k]})
	}
	return out, nil
}

// TagResourceInput is the input of [Service.TagResource].
type TagResourceInput struct {
	// ResourceARN is a stream's or a consumer's ARN.
	ResourceARN string
	Tags        map[string]string
}

// TagResource adds tags to a stream or a consumer, as AddTagsToStream.
func (svc *Service) TagResource(ctx context.Context, in TagResourceInput) error {
	if len(in.Tags) == 0 {
		return errValidation("tags", "Member must have length greater than or equal to 1")
	}
	return svc.withResource(ctx, in.ResourceARN, func(tags map[string]string, what string) error {
		return addTags(tags, in.Tags, what)
	})
}

// UntagResourceInput is the input of [Service.UntagResource].
type UntagResourceInput struct {
	ResourceARN string
	TagKeys     []string
}

// UntagResource removes tags from a stream or a consumer.
func (svc *Service) UntagResource(ctx context.Context, in UntagResourceInput) error {
	if len(in.TagKeys) == 0 || len(in.TagKeys) > MaxTags {
		return errValidation("tagKeys", "Member must have length between 1 and 50")
	}
	return svc.withResource(ctx, in.ResourceARN, func(tags map[string]string, _ string) error {
		for _, k := range in.TagKeys {
			delete(tags, k)
		}
		return nil
	})
}

// ListTagsForResourceInput is the input of [Service.ListTagsForResource].
type ListTagsForResourceInput struct {
	ResourceARN string
}

// ListTagsForResourceOutput is the output of [Service.ListTagsForResource].
type ListTagsForResourceOutput struct {
	Tags []Tag
}

// ListTagsForResource lists every tag of a stream or a consumer, in key
// order.
func (svc *Service) ListTagsForResource(ctx context.Context, in ListTagsForResourceInput) (ListTagsForResourceOutput, error) {
	out := ListTagsForResourceOutput{Tags: []Tag{}}
	err := svc.withResource(ctx, in.ResourceARN, func(tags map[string]string, _ string) error {
		for _, k := range slices.Sorted(maps.Keys(tags)) {
			out.Tags = append(out.Tags, Tag{k, tags[k]})
		}
		return nil
	})
	return out, err
}

// withResource runs f on the tags of the stream or consumer arn names, with
// its stream locked.
func (svc *Service) withResource(ctx context.Context, arn string, f func(tags map[string]string, what string) error) error {
	if err := svc.rate(ctx, opTags, nil); err != nil {
		return err
	}
	streamARN, consumerName, _, isConsumer := splitConsumerARN(arn)
	if !isConsumer {
		streamARN = arn
	}
	s, err := svc.resolve("", streamARN)
	if err != nil {
		return err
	}
	now, err := s.lock()
	if err != nil {
		return err
	}
	defer s.mu.Unlock()
	if !isConsumer {
		return f(s.tags, "stream "+s.name+" under account "+svc.cfg.account)
	}
	c, err := s.consumerByARNLocked(arn, consumerName, now)
	if err != nil {
		return err
	}
	return f(c.tags, "consumer "+c.name)
}

package firehose

import (
	"context"
	"maps"
	"slices"
	"strings"
)

// MaxTags is how many tags a delivery stream can carry.
const MaxTags = 50

func validateTags(tags []Tag) error {
	if len(tags) > MaxTags {
		return errValidation("tags", "'[...]'", "Member must have length less than or equal to 50")
	}
	for _, t := range tags {
		if len(t.Key) < 1 || len(t.Key) > 128 {
			return errValidation("tags.member.key", "'"+t.Key+"'", "Member must have length between 1 and 128")
		}
		if len(t.Value) > 256 {
			return errValidation("tags.member.value", "'"+t.Value+"'", "Member must have length less than or equal to 256")
		}
		if strings.HasPrefix(t.Key, "aws:") {
			return errArg("Tag keys cannot start with the reserved prefix 'aws:'.")
		}
	}
	return nil
}

// TagDeliveryStreamInput is the input of [Service.TagDeliveryStream].
type TagDeliveryStreamInput struct {
	DeliveryStreamName string
	// Tags: 1..50; a key already present gets the new value.
	Tags []Tag
}

// TagDeliveryStream adds or replaces tags. A stream carries at most 50.
func (s *Service) TagDeliveryStream(ctx context.Context, in TagDeliveryStreamInput) error {
	if len(in.Tags) == 0 {
		return errValidation("tags", "'[]'", "Member must have length greater than or equal to 1")
	}
	if err := validateTags(in.Tags); err != nil {
		return err
	}
	d, err := s.get(ctx, in.DeliveryStreamName)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	next := maps.Clone(d.tags)
	for _, t := range in.Tags {
		next[t.Key] = t.Value
	}
	if len(next) > MaxTags {
		return errorf(ErrLimitExceededException, "Firehose %s has reached the maximum of %d tags.", d.name, MaxTags)
	}
	d.tags = next
	return nil
}

// UntagDeliveryStreamInput is the input of [Service.UntagDeliveryStream].
type UntagDeliveryStreamInput struct {
	DeliveryStreamName string
	// TagKeys: 1..50 keys; keys not present are ignored.
	TagKeys []string
}

// UntagDeliveryStream removes tags.
func (s *Service) UntagDeliveryStream(ctx context.Context, in UntagDeliveryStreamInput) error {
	if len(in.TagKeys) == 0 || len(in.TagKeys) > MaxTags {
		return errValidation("tagKeys", "'[...]'", "Member must have length between 1 and 50")
	}
	d, err := s.get(ctx, in.DeliveryStreamName)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, k := range in.TagKeys {
		delete(d.tags, k)
	}
	return nil
}

// ListTagsForDeliveryStreamInput is the input of
// [Service.ListTagsForDeliveryStream].
type ListTagsForDeliveryStreamInput struct {
	DeliveryStreamName string
	// ExclusiveStartTagKey lists the keys after this one.
	ExclusiveStartTagKey string
	// Limit: 1..50, default 50.
	Limit *int
}

// ListTagsForDeliveryStreamOutput is the output of
// [Service.ListTagsForDeliveryStream].
type ListTagsForDeliveryStreamOutput struct {
	Tags        []Tag
	HasMoreTags bool
}

// ListTagsForDeliveryStream lists tags in key order.
func (s *Service) ListTagsForDeliveryStream(ctx context.Context, in ListTagsForDeliveryStreamInput) (ListTagsForDeliveryStreamOutput, error) {
	limit := MaxTags
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > MaxTags {
			return ListTagsForDeliveryStreamOutput{}, errValidation("limit", itoaQ(*in.Limit), "Member must have value between 1 and 50")
		}
		limit = *in.Limit
	}
	d, err := s.get(ctx, in.DeliveryStreamName)
	if err != nil {
		return ListTagsForDeliveryStreamOutput{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	out := ListTagsForDeliveryStreamOutput{Tags: []Tag{}}
	for _, k := range slices.Sorted(maps.Keys(d.tags)) {
		if in.ExclusiveStartTagKey != "" && k <= in.ExclusiveStartTagKey {
			continue
		}
		if len(out.Tags) == limit {
			out.HasMoreTags = true
			break
		}
		out.Tags = append(out.Tags, Tag{Key: k, Value: d.tags[k]})
	}
	return out, nil
}

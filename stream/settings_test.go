package stream_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/sluicehq/sluice/stream"
)

func TestTags(t *testing.T) {
	e := newEnv(t, stream.WithThrottling(false))
	s, err := e.svc.CreateStream(e.ctx, stream.CreateStreamInput{StreamName: "tags", ShardCount: new(1), Tags: map[string]string{"team": "a"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.AddTagsToStream(e.ctx, stream.AddTagsToStreamInput{StreamName: "tags", Tags: map[string]string{"team": "b", "env": "prod"}}); err != nil {
		t.Fatal(err)
	}
	out, err := e.svc.ListTagsForStream(e.ctx, stream.ListTagsForStreamInput{StreamName: "tags", Limit: new(1)})
	if err != nil || len(out.Tags) != 1 || out.Tags[0] != (stream.Tag{Key: "env", Value: "prod"}) || !out.HasMoreTags {
		t.Fatalf("page 1 = %+v, %v", out, err)
	}
	out, err = e.svc.ListTagsForStream(e.ctx, stream.ListTagsForStreamInput{StreamARN: s.ARN(), ExclusiveStartTagKey: "env"})
	if err != nil || len(out.Tags) != 1 || out.Tags[0] != (stream.Tag{Key: "team", Value: "b"}) || out.HasMoreTags {
		t.Fatalf("page 2 = %+v, %v", out, err)
	}
	many := map[string]string{}
	for i := range 49 {
		many[fmt.Sprint("k", i)] = "v"
	}
	wantErr(t, e.svc.AddTagsToStream(e.ctx, stream.AddTagsToStreamInput{StreamName: "tags", Tags: many}), stream.ErrInvalidArgumentException, "")
	if err := e.svc.RemoveTagsFromStream(e.ctx, stream.RemoveTagsFromStreamInput{StreamName: "tags", TagKeys: []string{"team", "absent"}}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.TagResource(e.ctx, stream.TagResourceInput{ResourceARN: s.ARN(), Tags: map[string]string{"x": "1"}}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.UntagResource(e.ctx, stream.UntagResourceInput{ResourceARN: s.ARN(), TagKeys: []string{"env"}}); err != nil {
		t.Fatal(err)
	}
	res, err := e.svc.ListTagsForResource(e.ctx, stream.ListTagsForResourceInput{ResourceARN: s.ARN()})
	if err != nil || len(res.Tags) != 1 || res.Tags[0].Key != "x" {
		t.Fatalf("ListTagsForResource = %+v, %v", res, err)
	}
	wantErr(t, e.svc.AddTagsToStream(e.ctx, stream.AddTagsToStreamInput{StreamName: "tags", Tags: map[string]string{"": "v"}}), stream.ErrValidationException, "")
}

func TestEncryption(t *testing.T) {
	e := newEnv(t, stream.WithTransitionDelay(5*time.Second))
	s := e.create("enc", 1)
	e.clock.Add(5 * time.Second)
	in := stream.StreamEncryptionInput{StreamName: "enc", EncryptionType: stream.EncryptionTypeKMS, KeyId: "alias/aws/kinesis"}
	if err := e.svc.StartStreamEncryption(e.ctx, in); err != nil {
		t.Fatal(err)
	}
	if sum := e.summary(s); sum.StreamStatus != stream.StreamStatusUpdating || sum.EncryptionType != stream.EncryptionTypeNone {
		t.Fatalf("during: %+v", sum)
	}
	if e.put(s, "k", "plain").EncryptionType != stream.EncryptionTypeNone {
		t.Fatal("record written while UPDATING reported KMS")
	}
	e.clock.Add(5 * time.Second)
	if sum := e.summary(s); sum.EncryptionType != stream.EncryptionTypeKMS || sum.KeyId != "alias/aws/kinesis" {
		t.Fatalf("after: %+v", sum)
	}
	if e.put(s, "k", "secret").EncryptionType != stream.EncryptionTypeKMS {
		t.Fatal("PutRecord does not report KMS")
	}
	recs := e.get(s, e.iterator(s, shardID(0), stream.TrimHorizon, "")).Records
	if recs[0].EncryptionType != stream.EncryptionTypeNone || recs[1].EncryptionType != stream.EncryptionTypeKMS {
		t.Fatalf("records' EncryptionType = %s, %s", recs[0].EncryptionType, recs[1].EncryptionType)
	}
	if err := e.svc.StopStreamEncryption(e.ctx, in); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(5 * time.Second)
	if sum := e.summary(s); sum.EncryptionType != stream.EncryptionTypeNone || sum.KeyId != "" {
		t.Fatalf("after stop: %+v", sum)
	}
	wantErr(t, e.svc.StartStreamEncryption(e.ctx, stream.StreamEncryptionInput{StreamName: "enc", EncryptionType: "NONE", KeyId: "k"}), stream.ErrValidationException, "")
	for i := 2; i < stream.MaxKeyChangesPerDay; i++ {
		if err := e.svc.StartStreamEncryption(e.ctx, in); err != nil {
			t.Fatalf("change %d: %v", i+1, err)
		}
		e.clock.Add(5 * time.Second)
	}
	wantErr(t, e.svc.StartStreamEncryption(e.ctx, in), stream.ErrLimitExceededException, "")
}

func TestEnhancedMonitoring(t *testing.T) {
	e := newEnv(t)
	e.create("mon", 1)
	out, err := e.svc.EnableEnhancedMonitoring(e.ctx, stream.EnhancedMonitoringInput{StreamName: "mon", ShardLevelMetrics: []stream.MetricsName{stream.MetricsIncomingBytes}})
	if err != nil || len(out.CurrentShardLevelMetrics) != 0 || len(out.DesiredShardLevelMetrics) != 1 {
		t.Fatalf("enable = %+v, %v", out, err)
	}
	out, err = e.svc.EnableEnhancedMonitoring(e.ctx, stream.EnhancedMonitoringInput{StreamName: "mon", ShardLevelMetrics: []stream.MetricsName{stream.MetricsAll}})
	if err != nil || len(out.DesiredShardLevelMetrics) != 7 {
		t.Fatalf("enable ALL = %+v, %v", out, err)
	}
	out, err = e.svc.DisableEnhancedMonitoring(e.ctx, stream.EnhancedMonitoringInput{StreamName: "mon", ShardLevelMetrics: []stream.MetricsName{stream.MetricsIncomingBytes}})
	if err != nil || len(out.DesiredShardLevelMetrics) != 6 {
		t.Fatalf("disable = %+v, %v", out, err)
	}
	d, _ := e.svc.DescribeStream(e.ctx, stream.DescribeStreamInput{StreamName: "mon"})
	if got := d.StreamDescription.EnhancedMonitoring[0].ShardLevelMetrics; len(got) != 6 {
		t.Fatalf("DescribeStream metrics = %v", got)
	}
	_, err = e.svc.EnableEnhancedMonitoring(e.ctx, stream.EnhancedMonitoringInput{StreamName: "mon", ShardLevelMetrics: []stream.MetricsName{"Nope"}})
	wantErr(t, err, stream.ErrValidationException, "")
}

func TestResourcePolicy(t *testing.T) {
	e := newEnv(t)
	s := e.create("pol", 1)
	out, err := e.svc.GetResourcePolicy(e.ctx, stream.ResourcePolicyInput{ResourceARN: s.ARN()})
	if err != nil || out.Policy != "{}" {
		t.Fatalf("no policy = %+v, %v", out, err)
	}
	wantErr(t, e.svc.DeleteResourcePolicy(e.ctx, stream.ResourcePolicyInput{ResourceARN: s.ARN()}), stream.ErrResourceNotFoundException, "")
	policy := `{"Version":"2012-10-17","Statement":[]}`
	if err := e.svc.PutResourcePolicy(e.ctx, stream.PutResourcePolicyInput{ResourceARN: s.ARN(), Policy: policy}); err != nil {
		t.Fatal(err)
	}
	if out, _ := e.svc.GetResourcePolicy(e.ctx, stream.ResourcePolicyInput{ResourceARN: s.ARN()}); out.Policy != policy {
		t.Fatalf("policy = %s", out.Policy)
	}
	if err := e.svc.DeleteResourcePolicy(e.ctx, stream.ResourcePolicyInput{ResourceARN: s.ARN()}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.svc.PutResourcePolicy(e.ctx, stream.PutResourcePolicyInput{ResourceARN: s.ARN() + "x", Policy: policy}), stream.ErrResourceNotFoundException, "")
}

func TestCapacityModes(t *testing.T) {
	e := newEnv(t, stream.WithTransitionDelay(time.Second), stream.WithThrottling(false))
	s, err := e.svc.CreateStream(e.ctx, stream.CreateStreamInput{StreamName: "od", StreamModeDetails: &stream.StreamModeDetails{StreamMode: stream.StreamModeOnDemand}})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Add(time.Second)
	if sum := e.summary(s); sum.OpenShardCount != 4 || sum.StreamModeDetails.StreamMode != stream.StreamModeOnDemand {
		t.Fatalf("on-demand summary = %+v", sum)
	}
	_, err = e.svc.UpdateShardCount(e.ctx, stream.UpdateShardCountInput{StreamName: "od", TargetShardCount: 5, ScalingType: stream.UniformScaling})
	wantErr(t, err, stream.ErrValidationException, "")
	mode := func(m stream.StreamMode) error {
		return e.svc.UpdateStreamMode(e.ctx, stream.UpdateStreamModeInput{StreamARN: s.ARN(), StreamModeDetails: stream.StreamModeDetails{StreamMode: m}})
	}
	if err := mode(stream.StreamModeProvisioned); err != nil {
		t.Fatal(err)
	}
	if sum := e.summary(s); sum.StreamStatus != stream.StreamStatusUpdating {
		t.Fatalf("status %s", sum.StreamStatus)
	}
	e.clock.Add(time.Second)
	if sum := e.summary(s); sum.StreamModeDetails.StreamMode != stream.StreamModeProvisioned || sum.OpenShardCount != 4 {
		t.Fatalf("after switch: %+v", sum)
	}
	if err := mode(stream.StreamModeOnDemand); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(time.Second)
	wantErr(t, mode(stream.StreamModeProvisioned), stream.ErrLimitExceededException, "")
	e.clock.Add(24 * time.Hour)
	if err := mode(stream.StreamModeProvisioned); err != nil {
		t.Fatalf("a day later: %v", err)
	}
}

func TestOnDemandScaling(t *testing.T) {
	// 1,000 bytes a second instead of 500,000: the rule is the same, the
	// test writes 1 MB instead of 450.
	t.Cleanup(stream.SetOnDemandSplitRate(1000))
	e := newEnv(t, stream.WithThrottling(false))
	s, err := e.svc.CreateStream(e.ctx, stream.CreateStreamInput{StreamName: "hot", StreamModeDetails: &stream.StreamModeDetails{StreamMode: stream.StreamModeOnDemand}})
	if err != nil {
		t.Fatal(err)
	}
	// 1,000 B/s for 15 minutes is 900 KB: write 1 MB to shard 0 by
	// explicit hash key within one window.
	payload := make([]byte, 100<<10)
	for range 10 {
		if _, err := s.PutRecord(e.ctx, stream.PutRecordInput{PartitionKey: "k", ExplicitHashKey: "0", Data: payload}); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Add(14 * time.Minute)
	if n := e.summary(s).OpenShardCount; n != 4 {
		t.Fatalf("before the window ends: %d shards", n)
	}
	e.clock.Add(time.Minute)
	if n := e.summary(s).OpenShardCount; n != 5 {
		t.Fatalf("after a hot window: %d open shards, want 5", n)
	}
	openRanges(t, e.shards(s))
}

func TestOnDemandAdvantage(t *testing.T) {
	e := newEnv(t, stream.WithThrottling(false))
	_, err := e.svc.CreateStream(e.ctx, stream.CreateStreamInput{StreamName: "w", StreamModeDetails: &stream.StreamModeDetails{StreamMode: stream.StreamModeOnDemand}, WarmThroughputMiBps: new(100)})
	wantErr(t, err, stream.ErrInvalidArgumentException, "")
	out, err := e.svc.UpdateAccountSettings(e.ctx, stream.UpdateAccountSettingsInput{MinimumThroughputBillingCommitment: stream.MinimumThroughputBillingCommitmentInput{Status: stream.CommitmentEnabled}})
	if err != nil || out.MinimumThroughputBillingCommitment.Status != stream.CommitmentEnabled {
		t.Fatalf("enable = %+v, %v", out, err)
	}
	s, err := e.svc.CreateStream(e.ctx, stream.CreateStreamInput{StreamName: "w", StreamModeDetails: &stream.StreamModeDetails{StreamMode: stream.StreamModeOnDemand}, WarmThroughputMiBps: new(100)})
	if err != nil {
		t.Fatal(err)
	}
	if w := e.summary(s).WarmThroughput; w == nil || w.TargetMiBps != 100 {
		t.Fatalf("warm = %+v", w)
	}
	if _, err := e.svc.UpdateStreamWarmThroughput(e.ctx, stream.UpdateStreamWarmThroughputInput{StreamName: "w", WarmThroughputMiBps: 200}); err != nil {
		t.Fatal(err)
	}
	if w := e.summary(s).WarmThroughput; w.TargetMiBps != 200 {
		t.Fatalf("warm after update = %+v", w)
	}
	e.clock.Add(time.Hour)
	out, _ = e.svc.UpdateAccountSettings(e.ctx, stream.UpdateAccountSettingsInput{MinimumThroughputBillingCommitment: stream.MinimumThroughputBillingCommitmentInput{Status: stream.CommitmentDisabled}})
	if out.MinimumThroughputBillingCommitment.Status != stream.CommitmentEnabledUntilEarliestAllowedEnd {
		t.Fatalf("disable within 24 h = %+v", out.MinimumThroughputBillingCommitment)
	}
	e.clock.Add(23 * time.Hour)
	out, _ = e.svc.DescribeAccountSettings(e.ctx)
	if out.MinimumThroughputBillingCommitment.Status != stream.CommitmentDisabled {
		t.Fatalf("after 24 h = %+v", out.MinimumThroughputBillingCommitment)
	}
}

func TestOnDemandStreamLimit(t *testing.T) {
	e := newEnv(t, stream.WithThrottling(false))
	od := &stream.StreamModeDetails{StreamMode: stream.StreamModeOnDemand}
	for i := range stream.DefaultOnDemandStreamCountLimit {
		if _, err := e.svc.CreateStream(e.ctx, stream.CreateStreamInput{StreamName: fmt.Sprint("od", i), StreamModeDetails: od}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.svc.CreateStream(e.ctx, stream.CreateStreamInput{StreamName: "one-more", StreamModeDetails: od})
	wantErr(t, err, stream.ErrLimitExceededException, "")
	p := e.create("prov", 1)
	err = e.svc.UpdateStreamMode(e.ctx, stream.UpdateStreamModeInput{StreamARN: p.ARN(), StreamModeDetails: *od})
	wantErr(t, err, stream.ErrLimitExceededException, "")
}

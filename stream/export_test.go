package stream

// SetOnDemandSplitRate sets the average write rate above which on-demand
// scaling splits a shard, and returns a function restoring it. Tests only;
// not safe to call while streams are in use.
func SetOnDemandSplitRate(bytesPerSecond int64) (restore func()) {
	old := onDemandSplitRate
	onDemandSplitRate = bytesPerSecond
	return func() { onDemandSplitRate = old }
}

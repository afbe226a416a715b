package firehose

import "time"

// startSource begins reading the Kinesis source of a
// KinesisStreamAsSource delivery stream from LATEST.
func (d *DeliveryStream) startSource(now time.Time) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.sourceAt = now
	return nil
}

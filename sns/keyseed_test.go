package sns

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSigningKeySeedSignsByteIdentically: two services built alike with the
// same SigningKeySeed publish byte-identical, verifiable envelopes; another
// seed or Region gives another key; an explicit SigningKey wins.
func TestSigningKeySeedSignsByteIdentically(t *testing.T) {
	run := func(mod func(*Options)) (string, []byte) {
		f := newFixture(t, func(o *Options) { o.SigningKey = nil; mod(o) })
		topic := f.topic(t, "alerts", nil)
		q := f.queue(t, "inbox")
		f.subscribe(t, topic, "sqs", q.ARN(), nil)
		_, err := f.s.Publish(context.Background(), PublishInput{TopicArn: topic, Message: "disk full", Subject: "ALARM"})
		require.NoError(t, err)
		out, err := q.ReceiveMessage(ReceiveMessageInput{})
		require.NoError(t, err)
		require.Len(t, out.Messages, 1)
		cert, err := f.s.SigningCertificate()
		require.NoError(t, err)
		_, err = VerifyJSON([]byte(out.Messages[0].Body), cert)
		require.NoError(t, err)
		return out.Messages[0].Body, cert.Raw
	}
	seeded := func(seed uint64, region string) func(*Options) {
		return func(o *Options) { o.SigningKeySeed, o.Region = seed, region }
	}
	body1, cert1 := run(seeded(7, "us-east-1"))
	body2, cert2 := run(seeded(7, "us-east-1"))
	assert.Equal(t, body1, body2)
	assert.Equal(t, cert1, cert2)
	_, cert3 := run(seeded(8, "us-east-1"))
	assert.NotEqual(t, cert1, cert3)
	_, cert4 := run(seeded(7, "eu-west-1"))
	assert.NotEqual(t, cert1, cert4)
	_, cert5 := run(func(o *Options) { o.SigningKeySeed, o.SigningKey = 7, testKey() })
	_, cert6 := run(func(o *Options) { o.SigningKey = testKey() })
	assert.Equal(t, cert6, cert5, "SigningKey takes precedence over SigningKeySeed")
}

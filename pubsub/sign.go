package pubsub

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"time"
)

// signer is a Service's signing key and its self-signed certificate,
// made on first need.
type signer struct {
	key     *rsa.PrivateKey
	certPEM []byte
}

// signingKey returns the Service's signer, generating its 2048-bit RSA key
// and certificate on first use. The key comes from crypto/rand: it is the
// one thing a Service makes that WithRand does not seed (a rand.Source is
// not a crypto-quality io.Reader). The certificate is valid from the
// clock's Now at generation for ten years.
func (s *Service) signingKey() *signer {
	s.signOnce.Do(func() {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic("pubsub: generating the signing key: " + err.Error())
		}
		now := s.cfg.clock.Now().UTC().Truncate(time.Second)
		serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
		if err != nil {
			panic("pubsub: certificate serial: " + err.Error())
		}
		host := "sns." + s.cfg.region + ".amazonaws.com"
		tmpl := &x509.Certificate{
			SerialNumber:          serial,
			Subject:               pkix.Name{CommonName: host, Organization: []string{"sluice"}},
			DNSNames:              []string{host},
			NotBefore:             now,
			NotAfter:              now.AddDate(10, 0, 0),
			KeyUsage:              x509.KeyUsageDigitalSignature,
			BasicConstraintsValid: true,
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			panic("pubsub: creating the signing certificate: " + err.Error())
		}
		s.signer = &signer{key: key, certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
	})
	return s.signer
}

// SigningCertificate returns the PEM-encoded self-signed X.509 certificate
// whose RSA key signs the Service's notifications and confirmation
// messages, generating the key on first call. The SigningCertURL field of
// messages names it but serves nothing: verifiers take it from here.
func (s *Service) SigningCertificate() []byte {
	return append([]byte(nil), s.signingKey().certPEM...)
}

// stringToSign is AWS's string to sign: "Key\nValue\n" for each pair, in
// the order given (AWS's, alphabetical).
func stringToSign(kvs ...string) []byte {
	n := 0
	for _, s := range kvs {
		n += len(s) + 1
	}
	b := make([]byte, 0, n)
	for _, s := range kvs {
		b = append(b, s...)
		b = append(b, '\n')
	}
	return b
}

// sign returns the base64 RSA PKCS #1 v1.5 signature of the string to sign
// with SHA1 (SignatureVersion "1") or SHA256 ("2").
func (s *Service) sign(version string, sts []byte) string {
	if s.cfg.digestSignatures {
		return digestSignature(version, sts)
	}
	k := s.signingKey()
	var (
		h   crypto.Hash
		sum []byte
	)
	if version == "2" {
		d := sha256.Sum256(sts)
		h, sum = crypto.SHA256, d[:]
	} else {
		d := sha1.Sum(sts)
		h, sum = crypto.SHA1, d[:]
	}
	sig, err := rsa.SignPKCS1v15(nil, k.key, h, sum)
	if err != nil {
		panic("pubsub: signing: " + err.Error())
	}
	return base64.StdEncoding.EncodeToString(sig)
}

// digestSignature is the Signature under WithDigestSignatures: the digest
// an RSA signature would sign, base64-encoded.
func digestSignature(version string, sts []byte) string {
	if version == "2" {
		d := sha256.Sum256(sts)
		return base64.StdEncoding.EncodeToString(d[:])
	}
	d := sha1.Sum(sts)
	return base64.StdEncoding.EncodeToString(d[:])
}

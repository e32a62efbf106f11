package sns

import (
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
)

const xmlns = "http://sns.amazonaws.com/doc/2010-03-31/"

// Handler returns the http.Handler an embedding application serves at
// Options.Endpoint so the URLs in SNS messages work:
//
//   - GET <Endpoint>/?Action=ConfirmSubscription&TopicArn=…&Token=… confirms a
//     subscription (the SubscribeURL) and answers AWS's XML
//     ConfirmSubscriptionResponse;
//   - GET <Endpoint>/?Action=Unsubscribe&SubscriptionArn=… (the
//     UnsubscribeURL) unsubscribes, unless the subscription was confirmed with
//     AuthenticateOnUnsubscribe;
//   - GET <Endpoint>/SimpleNotificationService-<hash>.pem serves the signing
//     certificate (the SigningCertURL).
//
// It is not a general SNS Query-protocol endpoint.
func (s *Service) Handler() http.Handler {
	return http.HandlerFunc(s.serveHTTP)
}

type responseMetadata struct {
	RequestId string
}

func (s *Service) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if err := s.op.CheckOpen(); err != nil {
		s.writeError(w, err)
		return
	}
	if strings.HasSuffix(r.URL.Path, ".pem") {
		h, err := s.signer()
		if err != nil || r.URL.Path != "/"+h.file && !strings.HasSuffix(r.URL.Path, "/"+h.file) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/x-x509-ca-cert")
		_, _ = w.Write(h.certPEM)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.writeError(w, invalidParam("request"))
		return
	}
	ctx := r.Context()
	switch r.Form.Get("Action") {
	case "ConfirmSubscription":
		in := ConfirmSubscriptionInput{TopicArn: r.Form.Get("TopicArn"), Token: r.Form.Get("Token"), AuthenticateOnUnsubscribe: r.Form.Get("AuthenticateOnUnsubscribe")}
		out, err := op.Do(ctx, &s.op, event.Call{Name: opConfirmByURL, Resources: topicResource(in.TopicArn, s.op.AccountID)}, in, s.confirmByURL)
		if err != nil {
			s.writeError(w, err)
			return
		}
		s.writeXML(w, struct {
			XMLName xml.Name `xml:"ConfirmSubscriptionResponse"`
			Xmlns   string   `xml:"xmlns,attr"`
			Result  struct {
				SubscriptionArn string
			} `xml:"ConfirmSubscriptionResult"`
			ResponseMetadata responseMetadata
		}{Xmlns: xmlns, Result: struct{ SubscriptionArn string }{out.SubscriptionArn}, ResponseMetadata: responseMetadata{s.op.IDs.UUID()}})
	case "Unsubscribe":
		_, err := op.Do(ctx, &s.op, event.Call{Name: opUnsubscribeByURL}, UnsubscribeInput{SubscriptionArn: r.Form.Get("SubscriptionArn")}, s.unsubscribeByURL)
		if err != nil {
			s.writeError(w, err)
			return
		}
		s.writeXML(w, struct {
			XMLName          xml.Name `xml:"UnsubscribeResponse"`
			Xmlns            string   `xml:"xmlns,attr"`
			ResponseMetadata responseMetadata
		}{Xmlns: xmlns, ResponseMetadata: responseMetadata{s.op.IDs.UUID()}})
	default:
		s.writeError(w, codeErr("InvalidAction", 400, "The action %s is not valid for this endpoint.", r.Form.Get("Action")))
	}
}

func (s *Service) writeXML(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "text/xml")
	_, _ = w.Write([]byte(xml.Header))
	_ = xml.NewEncoder(w).Encode(v)
}

func (s *Service) writeError(w http.ResponseWriter, err error) {
	status := 400
	var ae *awserr.Error
	if e, ok := err.(*awserr.Error); ok {
		ae = e
		status = ae.HTTPStatus()
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header))
	_ = xml.NewEncoder(w).Encode(struct {
		XMLName xml.Name `xml:"ErrorResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Error   struct {
			Type    string
			Code    string
			Message string
		}
		RequestId string
	}{Xmlns: xmlns, Error: struct{ Type, Code, Message string }{"Sender", errCode(err), errMessage(err)}, RequestId: s.op.IDs.UUID()})
}

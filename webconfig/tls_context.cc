#include "webconfig/tls_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <fstream>
#include <map>
#include <sstream>
#include <string_view>

namespace cairn::webconfig {
namespace {

namespace ssl = boost::asio::ssl;

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  return buf;
}

Result<std::string> ReadFile(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument(std::string("failed to read ") + what + " (" + path + ")");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Go's (IANA) cipher-suite name -> OpenSSL's name, from OpenSSL's own table.
// TLS 1.3 suites are reported separately: Go does not let them be chosen
// either, so naming one is accepted and changes nothing.
Status OpenSslCipherList(const std::vector<std::string>& iana, std::string* list) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> probe(SSL_CTX_new(TLS_method()), SSL_CTX_free);
  if (!probe || SSL_CTX_set_cipher_list(probe.get(), "ALL:COMPLEMENTOFALL") != 1) {
    return Status::Internal("cannot list OpenSSL's ciphers");
  }
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(probe.get()), SSL_free);
  STACK_OF(SSL_CIPHER)* all = SSL_get_ciphers(ssl.get());
  std::map<std::string, const SSL_CIPHER*> by_iana;
  for (int i = 0; i < sk_SSL_CIPHER_num(all); ++i) {
    const SSL_CIPHER* c = sk_SSL_CIPHER_value(all, i);
    if (const char* std_name = SSL_CIPHER_standard_name(c)) by_iana[std_name] = c;
  }
  list->clear();
  for (const auto& name : iana) {
    auto it = by_iana.find(name);
    if (it == by_iana.end()) return Status::InvalidArgument("unknown cipher: " + name);
    if (std::string_view(SSL_CIPHER_get_version(it->second)) == "TLSv1.3") continue;
    if (!list->empty()) *list += ':';
    *list += SSL_CIPHER_get_name(it->second);
  }
  return Status::OK();
}

// Verification that admits any certificate (RequestClientCert,
// RequireAnyClientCert): the client must show one, nobody vouches for it.
int AcceptAnyCertificate(int, X509_STORE_CTX*) { return 1; }

}  // namespace

Result<TlsPem> ReadTlsPem(const TlsServerConfig& tls) {
  TlsPem pem;
  if (!tls.cert_file.empty()) {
    CAIRN_ASSIGN_OR_RETURN(pem.cert_chain, ReadFile(tls.cert_file, "cert_file"));
  } else {
    pem.cert_chain = tls.cert;
  }
  if (!tls.key_file.empty()) {
    CAIRN_ASSIGN_OR_RETURN(pem.key, ReadFile(tls.key_file, "key_file"));
  } else {
    pem.key = tls.key;
  }
  if (!tls.client_ca_file.empty()) {
    CAIRN_ASSIGN_OR_RETURN(pem.client_ca, ReadFile(tls.client_ca_file, "client_ca_file"));
  } else {
    pem.client_ca = tls.client_ca;
  }
  return pem;
}

Result<std::shared_ptr<ssl::context>> BuildTlsContext(const TlsServerConfig& tls) {
  if (!tls.enabled()) return Status::InvalidArgument("TLS config is not present");
  TlsPem pem;
  CAIRN_ASSIGN_OR_RETURN(pem, ReadTlsPem(tls));
  ERR_clear_error();
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_compression | ssl::context::single_dh_use);
  if (tls.prefer_server_cipher_suites) SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_min_proto_version(native, tls.min_version) != 1 ||
      SSL_CTX_set_max_proto_version(native, tls.max_version) != 1) {
    return Status::InvalidArgument("unsupported TLS version range: " + OpenSslError());
  }
  // TLS 1.0 and 1.1 need OpenSSL's security level 0 to be offered at all.
  if (tls.min_version < kTls12) SSL_CTX_set_security_level(native, 0);
  ctx->use_certificate_chain(boost::asio::buffer(pem.cert_chain), ec);
  if (ec) return Status::InvalidArgument("failed to load X509KeyPair: certificate: " + ec.message());
  ctx->use_private_key(boost::asio::buffer(pem.key), ssl::context::pem, ec);
  if (ec) return Status::InvalidArgument("failed to load X509KeyPair: private key: " + ec.message());
  if (SSL_CTX_check_private_key(native) != 1) {
    return Status::InvalidArgument("failed to load X509KeyPair: private key does not match public key");
  }
  if (!tls.cipher_suites.empty()) {
    std::string list;
    CAIRN_RETURN_IF_ERROR(OpenSslCipherList(tls.cipher_suites, &list));
    if (!list.empty() && SSL_CTX_set_cipher_list(native, list.c_str()) != 1) {
      return Status::InvalidArgument("cipher_suites: " + OpenSslError());
    }
  }
  if (!tls.curve_preferences.empty()) {
    static const std::map<std::string, std::string> kGroups = {
        {"CurveP256", "P-256"}, {"CurveP384", "P-384"}, {"CurveP521", "P-521"}, {"X25519", "X25519"}};
    std::string groups;
    for (const auto& c : tls.curve_preferences) {
      auto it = kGroups.find(c);
      if (it == kGroups.end()) return Status::InvalidArgument("unknown curve: " + c);
      groups += (groups.empty() ? "" : ":") + it->second;
    }
    if (SSL_CTX_set1_groups_list(native, groups.c_str()) != 1) {
      return Status::InvalidArgument("curve_preferences: " + OpenSslError());
    }
  }
  if (!pem.client_ca.empty()) {
    ctx->add_certificate_authority(boost::asio::buffer(pem.client_ca), ec);
    if (ec) return Status::InvalidArgument("client CA: " + ec.message());
    // Tell clients which CAs are accepted (as Go does from ClientCAs).
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.client_ca.data(), static_cast<int>(pem.client_ca.size())),
                                                  BIO_free);
    STACK_OF(X509_NAME)* names = sk_X509_NAME_new_null();
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
      sk_X509_NAME_push(names, X509_NAME_dup(X509_get_subject_name(cert)));
      X509_free(cert);
    }
    ERR_clear_error();  // the loop ends on "no start line"
    SSL_CTX_set_client_CA_list(native, names);
  }
  switch (tls.client_auth) {
    case ClientAuth::kNoClientCert:
      SSL_CTX_set_verify(native, SSL_VERIFY_NONE, nullptr);
      break;
    case ClientAuth::kRequestClientCert:
      SSL_CTX_set_verify(native, SSL_VERIFY_PEER, AcceptAnyCertificate);
      break;
    case ClientAuth::kRequireAnyClientCert:
      SSL_CTX_set_verify(native, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, AcceptAnyCertificate);
      break;
    case ClientAuth::kVerifyClientCertIfGiven:
      SSL_CTX_set_verify(native, SSL_VERIFY_PEER, nullptr);
      break;
    case ClientAuth::kRequireAndVerifyClientCert:
      SSL_CTX_set_verify(native, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
      break;
  }
  return ctx;
}

}  // namespace cairn::webconfig

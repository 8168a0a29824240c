#include "webconfig/basic_auth.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <vector>

#include "webconfig/web_config.h"

namespace cairn::webconfig {

bool BcryptMatches(std::string_view hash, std::string_view password) {
  if (password.find('\0') != std::string_view::npos || hash.find('\0') != std::string_view::npos) return false;
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  const std::string pw(password), setting(hash);
  const char* out = crypt_rn(pw.c_str(), setting.c_str(), data.get(), sizeof(crypt_data));
  if (out == nullptr || out[0] == '*') return false;
  const size_t n = std::strlen(out);
  return n == hash.size() && CRYPTO_memcmp(out, hash.data(), n) == 0;
}

Result<std::string> BcryptHash(std::string_view password, int cost) {
  if (password.find('\0') != std::string_view::npos) return Status::InvalidArgument("password contains a NUL byte");
  unsigned char random[16];
  if (RAND_bytes(random, sizeof(random)) != 1) return Status::Internal("no random bytes for a bcrypt salt");
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), reinterpret_cast<const char*>(random),
                       sizeof(random), salt, sizeof(salt)) == nullptr) {
    return Status::InvalidArgument("cannot make a bcrypt salt of cost " + std::to_string(cost));
  }
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  const std::string pw(password);
  const char* out = crypt_rn(pw.c_str(), salt, data.get(), sizeof(crypt_data));
  if (out == nullptr || out[0] == '*') return Status::Internal("bcrypt failed");
  return std::string(out);
}

bool ParseBasicAuthorization(std::string_view header, std::string* user, std::string* password) {
  constexpr std::string_view kPrefix = "Basic ";
  if (header.size() < kPrefix.size()) return false;
  for (size_t i = 0; i < kPrefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != std::tolower(static_cast<unsigned char>(kPrefix[i]))) {
      return false;
    }
  }
  std::string_view b64 = header.substr(kPrefix.size());
  if (b64.empty() || b64.size() % 4 != 0 || b64.size() > (1u << 16)) return false;
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t pad = 0;
  while (pad < 2 && b64[b64.size() - 1 - pad] == '=') ++pad;
  for (size_t i = 0; i + pad < b64.size(); ++i) {
    if (kAlphabet.find(b64[i]) == std::string_view::npos) return false;
  }
  std::vector<unsigned char> out(b64.size() / 4 * 3 + 1);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
  if (n < 0 || static_cast<size_t>(n) < pad) return false;
  std::string_view decoded(reinterpret_cast<const char*>(out.data()), static_cast<size_t>(n) - pad);
  size_t colon = decoded.find(':');
  if (colon == std::string_view::npos) return false;
  *user = std::string(decoded.substr(0, colon));
  *password = std::string(decoded.substr(colon + 1));
  return true;
}

namespace {

// SHA-256 over the length-prefixed parts: a cache key that reveals nothing.
std::string Digest(std::string_view user, std::string_view hash, std::string_view password) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  for (std::string_view part : {user, hash, password}) {
    uint64_t len = part.size();
    EVP_DigestUpdate(ctx, &len, sizeof(len));
    EVP_DigestUpdate(ctx, part.data(), part.size());
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  EVP_DigestFinal_ex(ctx, md, &md_len);
  EVP_MD_CTX_free(ctx);
  return std::string(reinterpret_cast<const char*>(md), md_len);
}

}  // namespace

const std::string& BasicAuthChecker::DummyHash(int cost) {
  auto it = dummy_.find(cost);
  if (it != dummy_.end()) return it->second;
  unsigned char random[24];
  RAND_bytes(random, sizeof(random));
  std::string nobody(reinterpret_cast<const char*>(random), sizeof(random));
  std::replace(nobody.begin(), nobody.end(), '\0', 'x');
  Result<std::string> h = BcryptHash(nobody, cost);
  // A failed hash leaves a syntactically fine one that nothing matches.
  return dummy_[cost] = h.ok() ? *h : std::string("$2b$") + (cost < 10 ? "0" : "") + std::to_string(cost) +
                                          "$" + std::string(53, '.');
}

BasicAuthChecker::Verdict BasicAuthChecker::Decide(const std::map<std::string, std::string>& users,
                                                   std::string_view authorization, int max_waiting) {
  std::string user, password;
  if (!ParseBasicAuthorization(authorization, &user, &password)) return Verdict::kDenied;
  auto it = users.find(user);
  const bool known = it != users.end();
  std::string hash = known ? it->second : std::string();
  // Past here bcrypt may run (the dummy hash of an unknown user's cost too).
  if (max_waiting > 0 && waiting_.fetch_add(1) >= max_waiting) {
    waiting_.fetch_sub(1);
    // A cached answer needs no bcrypt; only a miss is turned away.
    if (known) {
      std::lock_guard<std::mutex> lock(cache_mu_);
      auto c = cache_.find(Digest(user, hash, password));
      if (c != cache_.end()) return c->second ? Verdict::kAllowed : Verdict::kDenied;
    }
    return Verdict::kBusy;
  }
  struct Leave {
    std::atomic<int>& n;
    bool bounded;
    ~Leave() {
      if (bounded) n.fetch_sub(1);
    }
  } leave{waiting_, max_waiting > 0};
  if (!known) {
    // The dearest configured cost, so an unknown user costs what a known one does.
    int cost = 4;
    for (const auto& [name, h] : users) cost = std::max(cost, BcryptCost(h).value_or(4));
    std::lock_guard<std::mutex> lock(bcrypt_mu_);
    hash = DummyHash(cost);
  }
  const std::string key = Digest(user, hash, password);
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto c = cache_.find(key);
    if (c != cache_.end()) return c->second && known ? Verdict::kAllowed : Verdict::kDenied;
  }
  bool ok;
  {
    std::lock_guard<std::mutex> lock(bcrypt_mu_);
    ok = BcryptMatches(hash, password);
  }
  ok = ok && known;
  std::lock_guard<std::mutex> lock(cache_mu_);
  if (cache_.size() >= kCacheSize) {
    // Evict about a tenth at pseudo-random so the next misses do not each pay
    // for an eviction (as upstream's makeRoom).
    size_t to_delete = std::max<size_t>(cache_.size() / 10, 1);
    while (to_delete-- > 0 && !cache_.empty()) {
      evict_seed_ = evict_seed_ * 6364136223846793005ull + 1442695040888963407ull;
      size_t bucket = (evict_seed_ >> 33) % cache_.bucket_count();
      while (cache_.bucket_size(bucket) == 0) bucket = (bucket + 1) % cache_.bucket_count();
      const std::string victim = cache_.begin(bucket)->first;
      cache_.erase(victim);
    }
  }
  cache_[key] = ok;
  return ok ? Verdict::kAllowed : Verdict::kDenied;
}

}  // namespace cairn::webconfig

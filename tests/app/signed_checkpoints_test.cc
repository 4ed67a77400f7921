// The server's signing key and the checkpoints it signs: the key file's format and mode, notes
// byte for byte as Go's golang.org/x/mod/sumdb/note writes them (its published test vector),
// every note kept, and never two heads signed for one size.
#include "signed_checkpoints.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <fstream>

#include "password_hasher.h"
#include "rotonde/base/base64.h"
#include "rotonde/base/hex.h"
#include "rotonde/eventstore/event_store.h"
#include "secrets.h"
#include "signing_key.h"
#include "temp_dir.h"

namespace rotonde::app {
namespace {

using eventstore::EventStore;
using eventstore::ExpectedVersion;
using eventstore::NewEvent;
using test_support::TempDir;

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// The base64 part of a verifier key "<name>+<hash>+<base64>", which may hold '+' itself.
std::string KeyPartOf(const std::string& vkey) {
  return vkey.substr(vkey.find('+', vkey.find('+') + 1) + 1);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The example key and note of Go's note package (note_test.go and its documentation).
constexpr char kGoSigningKey[] =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz\n";
constexpr char kGoVerifierKey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr char kGoText[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr char kGoSignature[] =
    "\xe2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

TEST(SigningKeyTest, ReadsGosKeyAndSignsItsNoteByteForByte) {
  TempDir dir;
  const std::string path = dir.path() + "/key";
  WriteFile(path, kGoSigningKey);
  auto key = SigningKey::Load(path);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->name(), "PeterNeumann");
  EXPECT_EQ(key->KeyHashHex(), "c74f20a3");
  EXPECT_EQ(key->VerifierKey(), kGoVerifierKey);
  EXPECT_EQ(key->SignNote(kGoText), std::string(kGoText) + "\n" + kGoSignature);
}

TEST(SigningKeyTest, IsMadeOnceWithMode0600AndReadBackAsTheSameKey) {
  TempDir dir;
  const std::string path = dir.path() + "/signing-key";
  auto made = SigningKey::LoadOrCreate(path, "buurt.example.nl");
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_TRUE(
      ReadFile(path).starts_with("PRIVATE+KEY+buurt.example.nl+" + made->KeyHashHex() + "+"));

  // Given another name later, the key keeps its own.
  auto again = SigningKey::LoadOrCreate(path, "elders");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->VerifierKey(), made->VerifierKey());
  EXPECT_EQ(again->name(), "buurt.example.nl");

  // The key hash is SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key)'s first 4 bytes.
  const std::string vkey = made->VerifierKey();
  const std::optional<std::string> raw = BytesOfBase64(KeyPartOf(vkey));
  ASSERT_TRUE(raw && raw->size() == 33);
  EXPECT_EQ(made->KeyHashHex(), HexOf(auth::Sha256("buurt.example.nl\n" + *raw).substr(0, 4)));
}

TEST(SigningKeyTest, AMalformedKeyFileOrABadNameIsRefusedWithoutEchoingTheKey) {
  TempDir dir;
  const std::string path = dir.path() + "/key";
  EXPECT_EQ(SigningKey::Load(path).status().code(), rotonde::codes::kNotFound);
  for (const std::string& text : {
           std::string(""),
           std::string("PRIVATE+KEY+PeterNeumann+c74f20a3\n"),
           std::string(
               "PRIVATE+KEY+PeterNeumann+00000000+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"),
           std::string(
               "PRIVATE+KEY+PeterNeumann+c74f20a3+AoEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"),
           std::string(kGoVerifierKey),
       }) {
    WriteFile(path, text);
    auto key = SigningKey::Load(path);
    ASSERT_FALSE(key.ok()) << text;
    EXPECT_EQ(key.status().code(), rotonde::codes::kInvalidArgument) << text;
    EXPECT_EQ(key.status().message().find("AYEKFALV"), std::string::npos);
  }
  for (const std::string& name :
       {std::string(), std::string("two words"), std::string("a+b"), std::string(65, 'x')}) {
    EXPECT_EQ(SigningKey::LoadOrCreate(dir.path() + "/new", name).status().code(),
              rotonde::codes::kInvalidArgument)
        << name;
  }
}

class SignedCheckpointsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = SigningKey::LoadOrCreate(dir_.path() + "/signing-key", "buurt.example.nl");
    ASSERT_TRUE(key.ok());
    key_ = std::make_unique<SigningKey>(std::move(key.value()));
  }

  std::unique_ptr<EventStore> OpenStore(const std::string& name) {
    auto store = EventStore::Open(dir_.Sub(name), eventstore::Options{});
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return std::move(store.value());
  }
  std::unique_ptr<SignedCheckpoints> OpenNotes(EventStore& store) {
    auto notes = SignedCheckpoints::Open(dir_.Sub("notes"), *key_, store);
    EXPECT_TRUE(notes.ok()) << notes.status().ToString();
    return std::move(notes.value());
  }
  static void AppendTo(EventStore& store, const std::string& platform, int count,
                       const std::string& tag) {
    for (int i = 0; i < count; ++i) {
      NewEvent event{platform + ":" + tag + std::to_string(i), "InitiativeProposed", tag, "m-a",
                     ""};
      ASSERT_TRUE(store
                      .Append(platform + "/initiative/i" + std::to_string(i),
                              ExpectedVersion::Any(), {event})
                      .ok());
    }
  }

  TempDir dir_;
  std::unique_ptr<SigningKey> key_;
};

TEST_F(SignedCheckpointsTest, TheHeadIsSignedAsATlogCheckpointAndKeptForItsSize) {
  auto store = OpenStore("store");
  AppendTo(*store, "kolenkit", 5, "a");
  AppendTo(*store, "noord", 2, "a");
  auto notes = OpenNotes(*store);

  auto five = notes->SignHead("kolenkit");
  ASSERT_TRUE(five.ok()) << five.status().ToString();
  const eventstore::HeadInfo head = store->Head("kolenkit");
  EXPECT_EQ(five->origin, "buurt.example.nl/kolenkit");
  EXPECT_EQ(five->size, 5u);
  EXPECT_EQ(five->hash, head.hash);
  const std::string text = "buurt.example.nl/kolenkit\n5\n" + Base64Of(head.hash) + "\n";
  ASSERT_TRUE(five->note.starts_with(text + "\n\xe2\x80\x94 buurt.example.nl "));
  ASSERT_TRUE(five->note.ends_with("\n"));

  // The signature line: key hash ‖ Ed25519 signature of the text, checked with the public key.
  const std::string line = five->note.substr(text.size() + 1);
  const std::optional<std::string> blob =
      BytesOfBase64(line.substr(line.rfind(' ') + 1, line.size() - line.rfind(' ') - 2));
  ASSERT_TRUE(blob && blob->size() == 4 + crypto_sign_BYTES);
  EXPECT_EQ(HexOf(blob->substr(0, 4)), key_->KeyHashHex());
  const std::string vkey = key_->VerifierKey();
  const std::string public_key = BytesOfBase64(KeyPartOf(vkey))->substr(1);
  EXPECT_EQ(
      crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(blob->data() + 4),
                                  reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                                  reinterpret_cast<const unsigned char*>(public_key.data())),
      0);

  // Asked again at the same head: the same note. After more events: a new one, and the old
  // one is still handed out for its size.
  EXPECT_EQ(notes->SignHead("kolenkit")->note, five->note);
  AppendTo(*store, "kolenkit", 3, "b");
  auto eight = notes->SignHead("kolenkit");
  ASSERT_TRUE(eight.ok());
  EXPECT_EQ(eight->size, 8u);
  EXPECT_EQ(notes->SignedAt("kolenkit", 5)->note, five->note);
  EXPECT_EQ(notes->SignedAt("kolenkit", 6).status().code(), codes::kCheckpointNotFound);
  EXPECT_EQ(notes->SignedAt("noord", 2).status().code(), codes::kCheckpointNotFound);
  EXPECT_EQ(notes->SignHead("nowhere").status().code(), codes::kCheckpointNotFound);

  // Kept across a restart.
  notes.reset();
  notes = OpenNotes(*store);
  EXPECT_EQ(notes->SignedAt("kolenkit", 8)->note, eight->note);
}

TEST_F(SignedCheckpointsTest, NeverSignsTwoHeadsForOneSizeNorAHeadThatDoesNotExtendTheLastNote) {
  std::string signed_five;
  {
    auto store = OpenStore("store");
    AppendTo(*store, "kolenkit", 5, "a");
    auto notes = OpenNotes(*store);
    auto five = notes->SignHead("kolenkit");
    ASSERT_TRUE(five.ok());
    signed_five = five->note;
  }
  // The same notes over another log of kolenkit (a backup of other events restored).
  auto store = OpenStore("other-store");
  AppendTo(*store, "kolenkit", 5, "x");
  auto notes = OpenNotes(*store);
  auto again = notes->SignHead("kolenkit");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), codes::kCheckpointConflict);
  EXPECT_NE(again.status().message().find("position 5"), std::string::npos);
  EXPECT_EQ(notes->SignedAt("kolenkit", 5)->note, signed_five);

  // Grown past the size signed, it still does not extend that note: nothing is signed.
  AppendTo(*store, "kolenkit", 2, "y");
  auto grown = notes->SignHead("kolenkit");
  ASSERT_FALSE(grown.ok());
  EXPECT_EQ(grown.status().code(), codes::kCheckpointConflict);
  EXPECT_EQ(notes->SignedAt("kolenkit", 7).status().code(), codes::kCheckpointNotFound);
  // Other platforms are signed as ever.
  AppendTo(*store, "noord", 1, "a");
  EXPECT_TRUE(notes->SignHead("noord").ok());
}

}  // namespace
}  // namespace rotonde::app

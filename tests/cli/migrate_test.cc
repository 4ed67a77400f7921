// `rotonde migrate`: a data directory of the one-log format (the store the one-log release
// wrote, tests/eventstore/testdata) becomes a new one that serves, verifies and keeps its
// accounts; the old one is left as it was, and a server still running on it is refused.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include <sodium.h>

#include "auth_store.h"
#include "cli_harness.h"
#include "raw_store.h"

namespace rotonde::cli_test {
namespace {

namespace fs = std::filesystem;

constexpr char kOldHeadHash[] = "917c0cd5781d3f83aeb12c156ca4e5eca1434023c5bdf5e24df1f88a7fc973e3";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Every file under `dir` by relative path, with its bytes.
std::map<std::string, std::string> FilesUnder(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) {
      files[fs::relative(entry.path(), dir).string()] = ReadFile(entry.path());
    }
  }
  return files;
}

// A data directory as the one-log release left it: its store, and accounts beside it.
std::string OldDataDir(const TempDir& tmp) {
  const std::string dir = tmp.Sub("old");
  fs::copy(ROTONDE_ONE_LOG_STORE, dir, fs::copy_options::recursive);
  auth::AuthOptions options;
  options.cost = {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
  auto auth = auth::AuthStore::Open(dir + "/auth", options);
  if (!auth.ok()) throw std::runtime_error(auth.status().ToString());
  if (!(*auth)->CreateAccount("anna", "rotonde-demo", "Anna", 1, "m-anna").ok()) {
    throw std::runtime_error("cannot create an account");
  }
  return dir;
}

TEST(Migrate, TheNewDirectoryHoldsEveryPlatformsLogAndTheAccountsAndTheOldOneIsUnchanged) {
  const TempDir tmp;
  const std::string old_dir = OldDataDir(tmp);
  const auto before = FilesUnder(old_dir);
  // The store's own refusal names the way out.
  const CliResult refused = RunCli({"verify", "--data", old_dir});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("rotonde migrate --from " + old_dir + " --to NEWDIR"),
            std::string::npos)
      << refused.err;

  const std::string new_dir = tmp.Sub("new");
  const CliResult run = RunCli({"migrate", "--from", old_dir, "--to", new_dir});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  EXPECT_NE(run.out.find("old log: head position 300, head hash " + std::string(kOldHeadHash)),
            std::string::npos)
      << run.out;
  const CliResult verified = RunCli({"verify", "--data", new_dir});
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_NE(verified.out.find("ok: 300 events verified"), std::string::npos) << verified.out;
  // Each platform's head as migrate reported it, as verify finds it.
  for (const std::string platform : {"bosenlommer", "gaasperdam", "kolenkit"}) {
    const size_t at = verified.out.find("platform " + platform + ": ");
    ASSERT_NE(at, std::string::npos) << verified.out;
    const std::string hash = verified.out.substr(verified.out.find("head hash ", at) + 10, 64);
    EXPECT_NE(run.out.find("platform " + platform + ": head position "), std::string::npos);
    EXPECT_NE(run.out.find(", head hash " + hash), std::string::npos) << platform;
  }
  const std::string provenance = ReadFile(fs::path(new_dir) / "migrated-from");
  EXPECT_NE(provenance.find("head hash: " + std::string(kOldHeadHash) + "\n"), std::string::npos)
      << provenance;

  auth::AuthOptions options;
  options.cost = {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
  auto auth = auth::AuthStore::Open(new_dir + "/auth", options);
  ASSERT_TRUE(auth.ok()) << auth.status().ToString();
  EXPECT_TRUE((*auth)->CheckPassword("anna", "rotonde-demo").ok());

  EXPECT_EQ(FilesUnder(old_dir), before);

  // Never over a directory that holds something.
  const CliResult again = RunCli({"migrate", "--from", old_dir, "--to", new_dir});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("is not empty"), std::string::npos) << again.err;
}

TEST(Migrate, ADamagedOldLogOrARunningServerMigratesNothing) {
  const TempDir tmp;
  const std::string old_dir = OldDataDir(tmp);
  const std::string new_dir = tmp.Sub("new");

  // A server on the old directory holds RocksDB's lock on it (a POSIX lock, held by a
  // process: a child takes it here).
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t holder = fork();
  ASSERT_GE(holder, 0);
  if (holder == 0) {
    const int fd = open((old_dir + "/LOCK").c_str(), O_RDWR);
    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    const char ok = (fd >= 0 && fcntl(fd, F_SETLK, &lock) == 0) ? 'y' : 'n';
    if (write(ready[1], &ok, 1) != 1) _exit(1);
    pause();
    _exit(0);
  }
  char taken = 0;
  ASSERT_EQ(read(ready[0], &taken, 1), 1);
  ASSERT_EQ(taken, 'y');
  const CliResult busy = RunCli({"migrate", "--from", old_dir, "--to", new_dir});
  kill(holder, SIGKILL);
  waitpid(holder, nullptr, 0);
  close(ready[0]);
  close(ready[1]);
  EXPECT_EQ(busy.exit_code, 2);
  EXPECT_NE(busy.err.find("is in use"), std::string::npos) << busy.err;
  EXPECT_FALSE(fs::exists(new_dir));

  // A flipped byte in the old chain: exit 1, naming the position, and no new directory.
  test_support::EditRawValue(old_dir, "log", std::string("\0\0\0\0\0\0\0\x89", 8),
                             test_support::FlipPayloadByteOf);  // position 137
  const CliResult damaged = RunCli({"migrate", "--from", old_dir, "--to", new_dir});
  EXPECT_EQ(damaged.exit_code, 1);
  EXPECT_NE(damaged.err.find("position 137"), std::string::npos) << damaged.err;
  EXPECT_FALSE(fs::exists(new_dir));
}

}  // namespace
}  // namespace rotonde::cli_test

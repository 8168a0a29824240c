// GrpcServer: Cairn's private gRPC API on --grpc.listen-address
// (proto/cairn.proto): RemoteStorage.Write and the streamed
// RemoteStorage.Read, with the same semantics as HTTP remote write/read
// (ingest's cores, not copies), and Admin (snapshots, deletes, tombstone
// cleaning, compaction, stats, flush); Admin answers UNIMPLEMENTED without
// the storage engine.
// Thread-safety: Start/Stop from one thread; RPCs run on gRPC's threads and
// the dependencies must be thread-safe and outlive the server.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "ingest/metadata_sink.h"
#include "ingest/remote_write.h"
#include "server/api/api_v1.h"
#include "storage/appender.h"
#include "storage/db.h"
#include "storage/labels.h"
#include "util/clock.h"
#include "util/status.h"

namespace grpc {
class Server;
class ServerCredentials;
}

namespace cairn::server::grpc {

struct GrpcDeps {
  storage::Appendable* appendable = nullptr;           // required
  storage::ChunkQueryable* chunk_queryable = nullptr;  // Read answers UNIMPLEMENTED without it
  storage::DB* db = nullptr;                           // Admin answers UNIMPLEMENTED without it
  ingest::MetadataSink* metadata = nullptr;
  Clock* clock = nullptr;                              // required
  api::SelectorParser parse_selector;                  // DeleteSeries selectors
  std::function<storage::Labels()> external_labels;    // added to series Read sends
  std::string data_dir;                                // snapshots go under it
  size_t max_bytes_in_frame = 1 << 20;
  ingest::LabelLimits label_limits;                    // of Write, as over HTTP
  // TLS and auth of the listener (grpc_credentials.h); null = insecure.
  std::shared_ptr<::grpc::ServerCredentials> credentials;
};

class GrpcServer {
 public:
  explicit GrpcServer(GrpcDeps deps);
  ~GrpcServer();  // Stop()

  // Listens on `address` ("host:port"; port 0 picks one). Unavailable when
  // it cannot bind.
  Status Start(const std::string& address);
  int port() const { return port_; }
  // Finishes RPCs in flight (up to a few seconds), then stops.
  void Stop();

  class Services;

 private:
  GrpcDeps deps_;
  std::unique_ptr<Services> services_;
  std::unique_ptr<::grpc::Server> server_;
  int port_ = 0;
};

}  // namespace cairn::server::grpc

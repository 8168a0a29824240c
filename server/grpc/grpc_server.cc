#include "server/grpc/grpc_server.h"

#include <grpcpp/grpcpp.h>

#include <chrono>

#include "ingest/chunked_read.h"
#include "ingest/remote_write.h"
#include "proto/cairn.grpc.pb.h"
#include "server/admin_ops.h"

namespace cairn::server::grpc {
namespace {

::grpc::Status ToGrpc(const Status& st) {
  if (st.ok()) return ::grpc::Status::OK;
  ::grpc::StatusCode code = ::grpc::StatusCode::INTERNAL;
  switch (st.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kDuplicateSample:
      code = ::grpc::StatusCode::INVALID_ARGUMENT;
      break;
    case StatusCode::kNotFound: code = ::grpc::StatusCode::NOT_FOUND; break;
    case StatusCode::kTimeout: code = ::grpc::StatusCode::DEADLINE_EXCEEDED; break;
    case StatusCode::kCanceled: code = ::grpc::StatusCode::CANCELLED; break;
    case StatusCode::kResourceExhausted: code = ::grpc::StatusCode::RESOURCE_EXHAUSTED; break;
    case StatusCode::kUnavailable:
    case StatusCode::kIOError:
      code = ::grpc::StatusCode::UNAVAILABLE;
      break;
    case StatusCode::kUnsupported: code = ::grpc::StatusCode::UNIMPLEMENTED; break;
    default: break;
  }
  return ::grpc::Status(code, st.message());
}

class RemoteStorageService final : public rpc::RemoteStorage::Service {
 public:
  explicit RemoteStorageService(const GrpcDeps& deps) : deps_(deps) {}

  ::grpc::Status Write(::grpc::ServerContext*, const prometheus::WriteRequest* req,
                       rpc::WriteResponse* resp) override {
    ingest::WriteOutcome out = ingest::ApplyWriteRequest(req->SerializeAsString(), ingest::RemoteWriteVersion::kV1,
                                                         *deps_.appendable, deps_.metadata, deps_.label_limits);
    resp->set_samples_written(out.samples_written);
    resp->set_histograms_written(out.histograms_written);
    resp->set_exemplars_written(out.exemplars_written);
    resp->set_samples_rejected(out.samples_rejected);
    resp->set_message(out.message);
    if (out.http_status >= 200 && out.http_status < 300) return ::grpc::Status::OK;
    if (out.http_status >= 500) return ::grpc::Status(::grpc::StatusCode::UNAVAILABLE, out.message);
    return ::grpc::Status(::grpc::StatusCode::INVALID_ARGUMENT, out.message);
  }

  ::grpc::Status Read(::grpc::ServerContext* ctx, const prometheus::ReadRequest* req,
                      ::grpc::ServerWriter<prometheus::ChunkedReadResponse>* writer) override {
    if (deps_.chunk_queryable == nullptr) {
      return ::grpc::Status(::grpc::StatusCode::UNIMPLEMENTED, "remote read needs the chunk storage");
    }
    storage::Labels ext = deps_.external_labels ? deps_.external_labels() : storage::Labels();
    Status st = ingest::StreamChunkedRead(
        *req, *deps_.chunk_queryable, deps_.max_bytes_in_frame,
        [&](const prometheus::ChunkedReadResponse& m) { return !ctx->IsCancelled() && writer->Write(m); }, ext);
    return ToGrpc(st);
  }

 private:
  const GrpcDeps& deps_;
};

class AdminService final : public rpc::Admin::Service {
 public:
  explicit AdminService(const GrpcDeps& deps) : deps_(deps) {}

  ::grpc::Status Snapshot(::grpc::ServerContext*, const rpc::SnapshotRequest*, rpc::SnapshotResponse* resp) override {
    if (deps_.db == nullptr) return NoDb();
    auto name = TakeSnapshot(*deps_.db, deps_.data_dir, deps_.clock->NowMs());
    if (!name.ok()) return ToGrpc(name.status());
    resp->set_name(*name);
    return ::grpc::Status::OK;
  }

  ::grpc::Status DeleteSeries(::grpc::ServerContext*, const rpc::DeleteSeriesRequest* req,
                              rpc::DeleteSeriesResponse*) override {
    if (deps_.db == nullptr) return NoDb();
    int64_t start = req->start_ms(), end = req->end_ms();
    if (start == 0 && end == 0) {
      start = api::kMinTimeMs;
      end = api::kMaxTimeMs;
    }
    std::vector<std::string> selectors(req->match().begin(), req->match().end());
    return ToGrpc(server::DeleteSeries(*deps_.db, deps_.parse_selector, selectors, start, end));
  }

  ::grpc::Status Stats(::grpc::ServerContext*, const rpc::StatsRequest*, rpc::StatsResponse* resp) override {
    if (deps_.db == nullptr) return NoDb();
    storage::DBStats st = deps_.db->Stats();
    resp->set_num_series(static_cast<int64_t>(st.head_series));
    resp->set_num_samples(static_cast<int64_t>(st.samples_appended_total));
    resp->set_min_time_ms(st.min_time_ms);
    resp->set_max_time_ms(st.max_time_ms);
    resp->set_bytes_on_disk(static_cast<int64_t>(st.disk_bytes));
    return ::grpc::Status::OK;
  }

  ::grpc::Status CleanTombstones(::grpc::ServerContext*, const rpc::CleanTombstonesRequest*,
                                 rpc::CleanTombstonesResponse* resp) override {
    if (deps_.db == nullptr) return NoDb();
    auto r = deps_.db->CleanTombstones();
    if (!r.ok()) return ToGrpc(r.status());
    resp->set_tombstones(static_cast<int64_t>(r->tombstones));
    resp->set_series_touched(static_cast<int64_t>(r->series_touched));
    resp->set_chunks_rewritten(static_cast<int64_t>(r->chunks_rewritten));
    resp->set_chunks_dropped(static_cast<int64_t>(r->chunks_dropped));
    resp->set_samples_removed(static_cast<int64_t>(r->samples_removed));
    resp->set_series_removed(static_cast<int64_t>(r->series_removed));
    return ::grpc::Status::OK;
  }

  ::grpc::Status Compact(::grpc::ServerContext*, const rpc::CompactRequest*, rpc::CompactResponse* resp) override {
    if (deps_.db == nullptr) return NoDb();
    auto r = CompactStorage(*deps_.db);
    if (!r.ok()) return ToGrpc(r.status());
    resp->set_bytes_before(static_cast<int64_t>(r->bytes_before));
    resp->set_bytes_after(static_cast<int64_t>(r->bytes_after));
    return ::grpc::Status::OK;
  }

  ::grpc::Status ListSnapshots(::grpc::ServerContext*, const rpc::ListSnapshotsRequest*,
                               rpc::ListSnapshotsResponse* resp) override {
    if (deps_.db == nullptr) return NoDb();
    auto list = server::ListSnapshots(deps_.data_dir);
    if (!list.ok()) return ToGrpc(list.status());
    for (const SnapshotInfo& info : *list) {
      rpc::SnapshotInfo* out = resp->add_snapshots();
      out->set_name(info.name);
      out->set_bytes(static_cast<int64_t>(info.bytes));
      out->set_created_ms(info.created_ms);
    }
    return ::grpc::Status::OK;
  }

  ::grpc::Status RemoveSnapshot(::grpc::ServerContext*, const rpc::RemoveSnapshotRequest* req,
                                rpc::RemoveSnapshotResponse*) override {
    if (deps_.db == nullptr) return NoDb();
    return ToGrpc(server::RemoveSnapshot(deps_.data_dir, req->name()));
  }

  ::grpc::Status Flush(::grpc::ServerContext*, const rpc::FlushRequest*, rpc::FlushResponse*) override {
    if (deps_.db == nullptr) return NoDb();
    return ToGrpc(deps_.db->Checkpoint());
  }

 private:
  static ::grpc::Status NoDb() {
    return ::grpc::Status(::grpc::StatusCode::UNIMPLEMENTED, "admin operations need the storage engine");
  }
  const GrpcDeps& deps_;
};

}  // namespace

class GrpcServer::Services {
 public:
  explicit Services(const GrpcDeps& deps) : remote(deps), admin(deps) {}
  RemoteStorageService remote;
  AdminService admin;
};

GrpcServer::GrpcServer(GrpcDeps deps) : deps_(std::move(deps)) {}

GrpcServer::~GrpcServer() { Stop(); }

Status GrpcServer::Start(const std::string& address) {
  services_ = std::make_unique<Services>(deps_);
  ::grpc::ServerBuilder builder;
  builder.AddListeningPort(address, deps_.credentials ? deps_.credentials : ::grpc::InsecureServerCredentials(),
                           &port_);
  builder.SetMaxReceiveMessageSize(64 << 20);
  // Connection hygiene (docs/security.md, "Connections"): a client's streams
  // are bounded, idle connections are closed, and dead peers are found by
  // keepalive pings instead of holding their connection forever.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, 100);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, 5 * 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 2 * 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20 * 1000);
  builder.RegisterService(&services_->remote);
  builder.RegisterService(&services_->admin);
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) {
    server_.reset();
    return Status::Unavailable("gRPC: cannot listen on " + address);
  }
  return Status::OK();
}

void GrpcServer::Stop() {
  if (!server_) return;
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  server_->Wait();
  server_.reset();
}

}  // namespace cairn::server::grpc

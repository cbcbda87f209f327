using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace P2P.Node.Hosting.Metrics;

/// <summary>
/// <c>GET /debug/metrics/prometheus</c> on the API listener (kubo's path): block bytes and blocks each way,
/// DHT provider lookups and their latency, connected peers, repo size and what the gateway served. Counters are
/// read from the parts that keep them at scrape time, so nothing is copied on the hot paths.
/// </summary>
public static class MetricsEndpoint
{
    public const string Path = "/debug/metrics/prometheus";

    public static void Map(IEndpointRouteBuilder app, Daemon daemon)
    {
        app.MapGet(Path, () => Results.Text(Render(daemon), PrometheusText.ContentType));
    }

    public static string Render(Daemon daemon)
    {
        var exchange = daemon.Exchange.Counters;
        var metrics = daemon.Host.Metrics;
        var repo = daemon.RepoSize.Current();
        return new PrometheusText()
            .Counter("p2p_exchange_bytes_received_total", "Block bytes received from peers (verified).", exchange.BytesFetched)
            .Counter("p2p_exchange_bytes_sent_total", "Block bytes sent to peers.", exchange.BytesServed)
            .Counter("p2p_exchange_blocks_fetched_total", "Blocks fetched from peers and verified.", exchange.BlocksFetched)
            .Counter("p2p_exchange_blocks_served_total", "Blocks served to peers.", exchange.BlocksServed)
            .Counter("p2p_exchange_blocks_requested_total", "Blocks asked of the exchange that the repo lacked.", exchange.BlocksRequested)
            .Counter("p2p_exchange_duplicate_blocks_total", "Blocks received more than once.", exchange.DuplicateBlocks)
            .Counter("p2p_exchange_corrupt_blocks_total", "Blocks received that failed verification.", exchange.CorruptBlocks)
            .Histogram("p2p_dht_provider_lookup_seconds", "Duration of DHT provider lookups.", metrics.ProviderLookups)
            .Gauge("p2p_peers_connected", "Peers with an authenticated connection.", daemon.Host.ConnectedPeers.Count)
            .Gauge("p2p_dht_table_peers", "Contacts in the DHT routing table.", daemon.Host.Dht.TableCount)
            .Gauge("p2p_repo_size_bytes", "Bytes of blocks in the repo (refreshed every 10 s at most).", repo.TotalBytes)
            .Gauge("p2p_repo_blocks", "Blocks in the repo (refreshed every 10 s at most).", repo.BlockCount)
            .Counter("p2p_gateway_requests_total", "Requests answered by the HTTP gateway.", metrics.GatewayRequests)
            .Counter("p2p_gateway_bytes_sent_total", "Content bytes the HTTP gateway sent.", metrics.GatewayBytesSent)
            .ToString();
    }
}

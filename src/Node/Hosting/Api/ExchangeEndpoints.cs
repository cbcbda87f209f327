using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// `bitswap/stat`: kubo's totals (BlocksReceived, DataReceived, BlocksSent, DataSent, DupBlksReceived, Peers) plus
/// p2p's per-peer ledger (bytes and blocks each way, corrupt blocks, score), which is how the demo shows what each
/// provider served to a fetcher.
/// </summary>
public static class ExchangeEndpoints
{
    public static void Map(RouteGroupBuilder api, Daemon daemon)
    {
        api.MapPost("/bitswap/stat", () =>
        {
            var counters = daemon.Exchange.Counters;
            var peers = daemon.Exchange.GetPeerStatistics();
            return ApiJson.Ok(new
            {
                counters.BlocksRequested,
                BlocksReceived = counters.BlocksFetched,
                DataReceived = counters.BytesFetched,
                BlocksSent = counters.BlocksServed,
                DataSent = counters.BytesServed,
                DupBlksReceived = counters.DuplicateBlocks,
                counters.CorruptBlocks,
                counters.UnwantedBlocks,
                // As kubo's bitswap stat: the partners connected now. Departed peers still remembered stay in the ledgers.
                Peers = peers.Where(p => p.Connected && !p.Dropped).Select(p => p.PeerId.ToString()).ToArray(),
                // p2p's: the fetches open now, so a progress display can say "looking for providers… N found".
                Fetches = daemon.Exchange.OpenFetches().Select(f => new
                {
                    Root = f.Root.ToString(),
                    f.Searching,
                    f.ProvidersFound,
                    f.Unreachable,
                    f.Peers,
                }).ToArray(),
                Ledgers = peers.OrderByDescending(p => p.BytesReceived).ThenBy(p => p.PeerId.ToString(), StringComparer.Ordinal).Select(p => new
                {
                    Peer = p.PeerId.ToString(),
                    Addr = p.EndPoint?.ToString(),
                    p.BytesReceived,
                    p.BlocksReceived,
                    p.BytesSent,
                    p.BlocksSent,
                    p.DuplicateBlocks,
                    p.CorruptBlocks,
                    p.InFlight,
                    p.Score,
                    p.Dropped,
                    p.Connected,
                }).ToArray(),
            });
        });
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using P2P.Node.DhtBinding;
using P2P.Node.Multiformats;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// kubo's `routing/provide` and `swarm/addrs` in the shapes its clients parse: provide streams query events (a
/// QueryError event when the record could not be stored, nothing when it was, as kubo without --verbose), and
/// swarm/addrs maps each known peer's id to its addresses. findprovs and findpeer share the dht handlers
/// (<see cref="NetworkEndpoints"/>).
/// </summary>
public static class RoutingEndpoints
{
    /// <summary>kubo's routing event type for a failed query (routing.QueryError).</summary>
    private const int QueryErrorEvent = 3;

    public static void Map(RouteGroupBuilder api, Daemon daemon)
    {
        var host = daemon.Host;
        api.MapPost("/routing/provide", (HttpContext context, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var cids = ApiJson.Args(context.Request).Select(ApiCids.Parse).ToList();
            foreach (var cid in cids)
            {
                if (!daemon.Local.Blocks.Has(cid))
                    return ApiError.NotFound($"block {cid} is not in the repo: only what the node holds can be provided");
            }
            context.Response.ContentType = "application/x-ndjson";
            foreach (var cid in cids)
            {
                var result = await host.ProvideAsync(cid, ct);
                if (result.Attempted > 0 && result.Stored == 0)
                    await ApiJson.WriteLineAsync(context.Response,
                        new { Extra = $"no peer stored the record of {cid} ({result.Attempted} asked)", ID = "", Responses = Array.Empty<object>(), Type = QueryErrorEvent }, ct);
            }
            return Results.Empty;
        }));
        api.MapPost("/swarm/addrs", () =>
        {
            // The peers this node knows: those connected, then the routing table's, each with the addresses it has for them.
            var addrs = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
            foreach (var peer in host.ConnectedPeers)
                Add(addrs, peer.PeerId.ToString(), Multiaddr.Format(peer.RemoteEndPoint, null));
            foreach (var contact in host.Table().SelectMany(b => b.Contacts))
            {
                if (ContactMapper.PeerIdOf(contact) is { } id)
                    Add(addrs, id.ToString(), Multiaddr.Format(contact.EndPoint, null));
            }
            return ApiJson.Ok(new { Addrs = addrs.ToDictionary(p => p.Key, p => p.Value.ToArray()) });
        });
    }

    private static void Add(SortedDictionary<string, SortedSet<string>> addrs, string peer, string address)
    {
        if (!addrs.TryGetValue(peer, out var set))
            addrs[peer] = set = new SortedSet<string>(StringComparer.Ordinal);
        set.Add(address);
    }
}

using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using P2P.Dht;
using P2P.Node.DhtBinding;
using P2P.Node.Errors;
using P2P.Node.Multiformats;

namespace P2P.Node.Hosting.Api;

/// <summary>`id`, `swarm/*` and `dht/*`: kubo's paths; `dht/table` is p2p's own (kubo has no table dump).</summary>
public static class NetworkEndpoints
{
    /// <summary>kubo's routing event type for a provider record (routing.Provider).</summary>
    private const int ProviderEvent = 4;

    /// <summary>kubo's routing event type for the peer a findpeer looked for (routing.FinalPeer).</summary>
    private const int FinalPeerEvent = 2;

    public static void Map(RouteGroupBuilder api, Daemon daemon)
    {
        var host = daemon.Host;
        api.MapPost("/id", () => ApiJson.Ok(new
        {
            ID = host.PeerId.ToString(),
            PublicKey = Convert.ToBase64String(host.Identity.PublicKey),
            Addresses = new[] { host.Address.ToString() },
            AgentVersion = "p2p/1",
            Protocols = new[] { "/p2p/dht/1", "/p2p/exchange/1" },
        }));
        api.MapPost("/swarm/peers", () => ApiJson.Ok(new
        {
            Peers = host.ConnectedPeers.Select(p => new
            {
                Addr = Multiaddr.Format(p.RemoteEndPoint, null),
                Peer = p.PeerId.ToString(),
                Latency = $"{p.RoundTripMilliseconds}ms",
                Direction = p.IsOutbound ? 2 : 1,
            }).ToArray(),
        }));
        api.MapPost("/swarm/connect", (HttpRequest request, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var strings = new List<string>();
            foreach (var arg in ApiJson.Args(request))
            {
                var address = Multiaddr.Parse(arg);
                var result = await host.ConnectAsync(address, ct);
                if (!result.Succeeded)
                    return ApiError.Of(ErrorKind.Unavailable, $"connect {arg} failure: {result.Error}");
                strings.Add($"connect {result.Peer!.PeerId} success");
            }
            return ApiJson.Ok(new { Strings = strings });
        }));
        api.MapPost("/dht/findprovs", (HttpContext context, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var cid = ParseCid(ApiJson.Arg(context.Request));
            var max = (int)(ApiJson.Long(context.Request, "num-providers") ?? 20);
            if (max is < 1 or > 1000)
                throw new ArgumentException("num-providers must be 1-1000");
            // As kubo: one line per provider the moment the lookup accepts it, not all of them at its end.
            var found = Channel.CreateUnbounded<Contact>(new UnboundedChannelOptions { SingleReader = true });
            var lookup = host.FindProvidersAsync(cid, max, ct, provider => found.Writer.TryWrite(provider));
            _ = lookup.ContinueWith(static (_, w) => ((ChannelWriter<Contact>)w!).TryComplete(), found.Writer,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            await foreach (var provider in found.Reader.ReadAllAsync(ct))
                await ApiJson.WriteLineAsync(context.Response, new { ID = "", Type = ProviderEvent, Responses = new[] { Describe(provider) } }, ct);
            await lookup;
            return Results.Empty;
        }));
        api.MapPost("/dht/findpeer", (HttpRequest request, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var peer = PeerId.Parse(ApiJson.Arg(request));
            var found = await host.FindPeerAsync(peer, ct);
            return found is null
                ? ApiError.NotFound($"peer {peer} not found")
                : ApiJson.Ok(new { ID = "", Type = FinalPeerEvent, Responses = new[] { Describe(found) } });
        }));
        api.MapPost("/dht/provide", (HttpRequest request, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var cid = ParseCid(ApiJson.Arg(request));
            if (!daemon.Local.Blocks.Has(cid))
                return ApiError.NotFound($"block {cid} is not in the repo: only what the node holds can be provided");
            var result = await host.ProvideAsync(cid, ct);
            return ApiJson.Ok(new { Key = cid.ToString(), Attempted = result.Attempted, Stored = result.Stored, Milliseconds = (long)result.Elapsed.TotalMilliseconds });
        }));
        api.MapPost("/dht/table", () => ApiJson.Ok(new
        {
            ID = host.PeerId.ToString(),
            Total = host.Dht.TableCount,
            Buckets = host.Table().Select(b => new { Bucket = b.PrefixLength, Peers = b.Contacts.Select(Describe).ToArray() }).ToArray(),
        }));
    }

    private static object Describe(Contact contact) => new
    {
        ID = ContactMapper.PeerIdOf(contact)?.ToString() ?? "",
        Addrs = new[] { Multiaddr.Format(contact.EndPoint, null) },
    };

    private static Cid ParseCid(string text) =>
        Cid.TryParse(text, out var cid, out var error) ? cid! : throw new FormatException($"invalid CID '{text}': {error}");
}

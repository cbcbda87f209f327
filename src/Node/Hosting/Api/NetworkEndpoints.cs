using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using P2P.Dht;
using P2P.Node.DhtBinding;
using P2P.Node.Errors;
using P2P.Node.Multiformats;
using P2P.Node.Transport;

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
            Addresses = host.Addresses.Select(a => a.Address.ToString()).ToArray(),
            AgentVersion = "p2p/1",
            Protocols = new[] { "/p2p/dht/1", "/p2p/exchange/1" },
            // Beyond kubo's fields: how each address was learned, and whether others can dial us unasked.
            Advertised = host.Addresses.Select(a => new { a.Kind, Addr = a.Address.ToString() }).ToArray(),
            Reachability = host.Reachability.ToString().ToLowerInvariant(),
        }));
        api.MapPost("/swarm/addrs/local", () => ApiJson.Ok(new { Strings = host.Addresses.Select(a => a.Address.ToString()).ToArray() }));
        api.MapPost("/swarm/peers", () => ApiJson.Ok(new
        {
            Peers = host.ConnectedPeers.Select(p => new
            {
                Addr = host.Transport.Nat.RelayOf(p) is { } relay
                    ? $"{Multiaddr.Format(relay, null)}/p2p-circuit"
                    : Multiaddr.Format(p.RemoteEndPoint, null),
                Peer = p.PeerId.ToString(),
                Latency = $"{p.RoundTripMilliseconds}ms",
                Direction = p.IsOutbound ? 2 : 1,
                Path = PathName(p.Path),
            }).ToArray(),
        }));
        api.MapPost("/ping", (HttpContext context, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var peer = PeerId.Parse(ApiJson.Arg(context.Request));
            var count = (int)(ApiJson.Long(context.Request, "count") ?? 10);
            if (count is < 1 or > 1000)
                throw new ArgumentException("count must be 1-1000");
            await foreach (var line in PingLines(host, peer, count, ct))
                await ApiJson.WriteLineAsync(context.Response, line, ct);
            return Results.Empty;
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
        // kubo answers the same under its newer `routing/` names, which kubo-rpc-client calls.
        foreach (var group in new[] { "/dht", "/routing" })
            MapLookups(api, group, host);
        api.MapPost("/dht/provide", (HttpRequest request, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var cid = ApiCids.Parse(ApiJson.Arg(request));
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

    /// <summary>findprovs (streamed as kubo's query events, one per provider) and findpeer under <paramref name="group"/>.</summary>
    private static void MapLookups(RouteGroupBuilder api, string group, NetworkHost host)
    {
        api.MapPost(group + "/findprovs", (HttpContext context, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var cid = ApiCids.Parse(ApiJson.Arg(context.Request));
            var max = (int)(ApiJson.Long(context.Request, "num-providers") ?? 20);
            if (max is < 1 or > 1000)
                throw new ArgumentException("num-providers must be 1-1000");
            // As kubo: one line per provider the moment the lookup accepts it, not all of them at its end.
            var found = Channel.CreateUnbounded<Contact>(new UnboundedChannelOptions { SingleReader = true });
            var lookup = host.FindProvidersAsync(cid, max, ct, provider => found.Writer.TryWrite(provider));
            _ = lookup.ContinueWith(static (_, w) => ((ChannelWriter<Contact>)w!).TryComplete(), found.Writer,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            await foreach (var provider in found.Reader.ReadAllAsync(ct))
                await ApiJson.WriteLineAsync(context.Response, new { Extra = "", ID = "", Type = ProviderEvent, Responses = new[] { Describe(provider) } }, ct);
            await lookup;
            return Results.Empty;
        }));
        api.MapPost(group + "/findpeer", (HttpRequest request, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var peer = PeerId.Parse(ApiJson.Arg(request));
            var found = await host.FindPeerAsync(peer, ct);
            return found is null
                ? ApiError.NotFound($"peer {peer} not found")
                : ApiJson.Ok(new { Extra = "", ID = "", Type = FinalPeerEvent, Responses = new[] { Describe(found) } });
        }));
    }

    private static string PathName(PeerPath path) => path switch
    {
        PeerPath.HolePunched => "hole-punched",
        PeerPath.Relayed => "relayed",
        _ => "direct",
    };

    /// <summary>kubo's ping stream: a header, one line per answer (Time in nanoseconds), then the average.</summary>
    private static async IAsyncEnumerable<object> PingLines(NetworkHost host, PeerId peer, int count, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return new { Success = true, Time = 0L, Text = $"Looking up peer {peer}" };
        var contact = await host.FindPeerAsync(peer, ct);
        if (contact is null)
        {
            yield return new { Success = false, Time = 0L, Text = $"peer {peer} not found" };
            yield break;
        }
        yield return new { Success = true, Time = 0L, Text = $"PING {peer}." };
        var times = new List<TimeSpan>();
        for (var i = 0; i < count; i++)
        {
            var rtt = await host.PingAsync(contact, ct);
            if (rtt is { } time)
            {
                times.Add(time);
                yield return new { Success = true, Time = (long)(time.TotalMilliseconds * 1_000_000), Text = "" };
            }
            else
            {
                yield return new { Success = false, Time = 0L, Text = "Ping error: no answer" };
            }
            if (i + 1 < count)
                await Task.Delay(TimeSpan.FromSeconds(1), host.Time, ct);
        }
        yield return times.Count == 0
            ? new { Success = false, Time = 0L, Text = "Ping failed: no answers" }
            : new { Success = true, Time = 0L, Text = $"Average latency: {times.Average(t => t.TotalMilliseconds):0.##}ms" };
    }

    internal static object Describe(Contact contact) => new
    {
        ID = ContactMapper.PeerIdOf(contact)?.ToString() ?? "",
        Addrs = new[]
        {
            ContactMapper.RelayOf(contact) is { } relay
                ? $"{Multiaddr.Format(relay.EndPoint, relay.Peer)}/p2p-circuit"
                : Multiaddr.Format(contact.EndPoint, null),
        },
    };

}

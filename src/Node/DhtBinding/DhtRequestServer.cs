using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P2P.Dht;
using P2P.Dht.Network;
using P2P.Node.Multiformats;
using P2P.Node.Transport;
using P2P.Node.Wire;

namespace P2P.Node.DhtBinding;

/// <summary>
/// Answers DHT requests from authenticated peers by calling the DHT's <see cref="IDhtRequestHandler"/> with the
/// sender's proven identity and the endpoint it speaks from. Replies go back on the channel the request came on.
/// Each request first takes a permit from an <see cref="AddressRateLimiter"/> (per IP:port and per IP); a request
/// over the rate is dropped unanswered and counted in <see cref="Drops"/> as <see cref="DhtDropReason.RateLimited"/>.
/// </summary>
public sealed class DhtRequestServer
{
    /// <summary>Refused announcements remembered at most; each is forgotten when its PING comes, right behind it.</summary>
    private const int MaxRefusedAnnouncements = 1024;

    private readonly ISecureTransport _transport;
    private readonly IDhtRequestHandler _handler;

    /// <summary>
    /// Refused ADD_PROVIDERs by sender and request id: the PING that follows one with the same id is the
    /// announcer's proof of storage (see <see cref="WireDhtNetwork.AddProviderAsync"/>), so it is not answered
    /// either. Guarded by itself.
    /// </summary>
    private readonly HashSet<(PeerId Peer, ulong RequestId)> _refusedAnnouncements = [];

    public DhtRequestServer(ISecureTransport transport, IDhtRequestHandler handler, DhtWireOptions? options = null, TimeProvider? time = null,
        ILogger<DhtRequestServer>? logger = null)
    {
        _transport = transport;
        _handler = handler;
        var o = options ?? new DhtWireOptions();
        Limiter = new AddressRateLimiter(o, time);
        // PUT_VALUE has its own, lower limit (the same token buckets, other rates): each one is a validation under the
        // DHT's lock, where lookups' requests are not. Four peers' worth per address.
        PutValueLimiter = new AddressRateLimiter(new DhtWireOptions
        {
            RequestsPerSecondPerPeer = o.PutValuesPerSecondPerPeer, RequestBurstPerPeer = o.PutValueBurstPerPeer,
            RequestsPerSecondPerAddress = 4 * o.PutValuesPerSecondPerPeer, RequestBurstPerAddress = 4 * o.PutValueBurstPerPeer,
            LimitLoopbackAddresses = o.LimitLoopbackAddresses, MaxRateLimitedAddresses = o.MaxRateLimitedAddresses,
        }, time);
        Drops = new DropCounter<DhtDropReason>((ILogger?)logger ?? NullLogger.Instance, "DHT request",
            [DhtDropReason.RateLimited, DhtDropReason.PutValueRateLimited]);
    }

    /// <summary>Requests this server dropped unanswered (the router counts the ones it refuses with a reason).</summary>
    public DropCounter<DhtDropReason> Drops { get; }

    /// <summary>The per-peer and per-address request limiter.</summary>
    public AddressRateLimiter Limiter { get; }

    /// <summary>The per-peer and per-address limiter of PUT_VALUE, taken after <see cref="Limiter"/>.</summary>
    public AddressRateLimiter PutValueLimiter { get; }

    /// <summary>True for the request types this server answers.</summary>
    public static bool IsRequest(WireMessageType type) =>
        type is WireMessageType.Ping or WireMessageType.FindNode or WireMessageType.GetProviders or WireMessageType.AddProvider
            or WireMessageType.GetValue or WireMessageType.PutValue;

    /// <summary>True for DHT answers (handled by <see cref="WireDhtNetwork.HandleResponse"/>).</summary>
    public static bool IsResponse(WireMessageType type) =>
        type is WireMessageType.Pong or WireMessageType.Nodes or WireMessageType.Providers or WireMessageType.Value;

    /// <summary>Handles one request; null when handled, else why it was refused (the router counts and logs it).</summary>
    public async ValueTask<string?> HandleAsync(InboundMessage raw, WireMessage message, CancellationToken ct)
    {
        if (!IsRequest(message.Type))
            return $"{message.Type} is not a DHT request";
        if (!Limiter.TryAcquire(raw.RemoteEndPoint, out var refusal))
        {
            // Counted here (once-logged per reason), not returned: the router would count it again as a refusal.
            Drops.Count(DhtDropReason.RateLimited, raw.RemoteEndPoint, $"{message.Type} {refusal}");
            if (message is AddProviderMessage refused)
                RememberRefused(raw.PeerId, refused.RequestId);
            return null;
        }
        if (message is PutValueMessage && !PutValueLimiter.TryAcquire(raw.RemoteEndPoint, out var putRefusal))
        {
            Drops.Count(DhtDropReason.PutValueRateLimited, raw.RemoteEndPoint, putRefusal);
            return null;
        }
        if (message is PingMessage barrier && ForgetRefused(raw.PeerId, barrier.RequestId))
            return "PING acknowledging a refused ADD_PROVIDER";
        // A node says whether it is a DHT client (it cannot be dialled); a session through a relay is one anyway.
        var relayed = raw.Peer.Path == PeerPath.Relayed;
        var client = relayed || message switch
        {
            PingMessage p => p.Client,
            FindNodeMessage f => f.Client,
            GetProvidersMessage g => g.Client,
            AddProviderMessage a => a.Client,
            GetValueMessage g => g.Client,
            PutValueMessage p => p.Client,
            _ => false,
        };
        var sender = ContactMapper.ToContact(raw.PeerId, raw.RemoteEndPoint, client, (message as AddProviderMessage)?.Provider.GetRelay());
        WireMessage? reply;
        switch (message)
        {
            case PingMessage ping:
                reply = _handler.HandlePing(sender) ? new PongMessage { RequestId = ping.RequestId } : null;
                break;
            case FindNodeMessage find:
                reply = new NodesMessage
                {
                    RequestId = find.RequestId,
                    Contacts = ContactMapper.ToWire(_handler.HandleFindNode(sender, new Key(find.Target)), WireLimits.MaxContacts),
                };
                break;
            case GetProvidersMessage get:
                var found = _handler.HandleGetProviders(sender, get.Key);
                reply = new ProvidersMessage
                {
                    RequestId = get.RequestId,
                    Providers = ContactMapper.ToWire(found.Providers, WireLimits.MaxProviders),
                    Closer = ContactMapper.ToWire(found.Closer, WireLimits.MaxContacts),
                };
                break;
            case GetValueMessage getValue:
                var held = _handler.HandleGetValue(sender, getValue.Key);
                reply = new ValueMessage
                {
                    RequestId = getValue.RequestId,
                    Value = held.Value is { Length: > 0 and <= WireLimits.MaxValueSize } value ? value : null,
                    Closer = ContactMapper.ToWire(held.Closer, WireLimits.MaxContacts),
                };
                break;
            case PutValueMessage put:
                var stored = _handler.HandlePutValue(sender, put.Key, put.Value);
                reply = new ValueMessage { RequestId = put.RequestId, Value = stored ? put.Value : null };
                break;
            case AddProviderMessage add:
                // A node may only announce itself: the record is keyed to the authenticated sender, and an
                // announcement naming anyone else is refused rather than silently rewritten.
                if (!add.Provider.PeerId.AsSpan().SequenceEqual(raw.PeerId.Bytes))
                {
                    RememberRefused(raw.PeerId, add.RequestId);
                    return "AddProvider names a provider other than its sender";
                }
                if (relayed)
                {
                    // The record would hold a local stand-in address; a provider announces over a direct session.
                    RememberRefused(raw.PeerId, add.RequestId);
                    return "AddProvider over a relayed session";
                }
                if (_handler.HandleAddProvider(sender, add.Key))
                    return null;
                RememberRefused(raw.PeerId, add.RequestId);
                return "AddProvider refused by the provider store (caps)";
            default:
                return $"{message.Type} is not a DHT request";
        }
        if (reply is not null)
            await _transport.SendAsync(raw.Peer, WireCodec.Encode(reply), raw.Channel, ct);
        return null;
    }

    private void RememberRefused(PeerId peer, ulong requestId)
    {
        lock (_refusedAnnouncements)
        {
            // Entries normally live for one message; a peer that never sends the PING cannot grow the set.
            if (_refusedAnnouncements.Count >= MaxRefusedAnnouncements)
                _refusedAnnouncements.Clear();
            _refusedAnnouncements.Add((peer, requestId));
        }
    }

    private bool ForgetRefused(PeerId peer, ulong requestId)
    {
        lock (_refusedAnnouncements)
            return _refusedAnnouncements.Remove((peer, requestId));
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace P2P.Node.Storage;

/// <summary>
/// The contents of config.json (camelCase JSON). Missing fields take the defaults below and unknown fields are
/// ignored, so a config written by an older or newer p2p still loads; <see cref="Validate"/> says what is wrong.
/// </summary>
public sealed class RepoConfig
{
    public const string DefaultListen = "/ip4/127.0.0.1/udp/4001";

    /// <summary><see cref="BlockStore"/> value for append-only pack files (<see cref="Pack.PackBlockStore"/>), the default.</summary>
    public const string PackBlockStore = "pack";

    /// <summary><see cref="BlockStore"/> value for kubo-style one file per block (<see cref="FlatFsBlockStore"/>).</summary>
    public const string FlatFsBlockStore = "flatfs";

    /// <summary>A config is a few hundred bytes; anything near this is not one, and is not read into memory.</summary>
    public const int MaxFileBytes = 1 << 20;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    /// <summary>The PeerId recorded at init and checked against identity.key at every open; see <see cref="RepoIdentity"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RepoIdentity? Identity { get; set; }

    /// <summary>The UDP multiaddr the node listens on.</summary>
    public string Listen { get; set; } = DefaultListen;

    /// <summary>Peers contacted at start, as <c>/ip4/…/udp/…/p2p/&lt;PeerId&gt;</c>.</summary>
    public List<string> Bootstrap { get; set; } = [];

    /// <summary>
    /// The HTTP API's address:port. Loopback by default; any other address makes the daemon require the access
    /// token in the repo's <c>api.token</c> file (created on first start, mode 0600) on every request.
    /// </summary>
    public string Api { get; set; } = "127.0.0.1:5001";

    /// <summary>
    /// Host names the API answers to besides loopback's (<c>localhost</c>, 127.0.0.1, [::1] with the API's port), as
    /// <c>name</c> or <c>name:port</c>: the name a reverse proxy forwards. Any other Host gets 403, which is what keeps
    /// a DNS-rebinding web page off the API.
    /// </summary>
    public List<string> ApiAllowedHosts { get; set; } = [];

    /// <summary>The HTTP gateway's address:port.</summary>
    public string Gateway { get; set; } = "127.0.0.1:8080";

    /// <summary>
    /// How long the gateway waits for the first block of a path before answering 404 (kubo waits for the client;
    /// a bound keeps a request for content nobody has from holding a connection for the exchange's whole timeout).
    /// </summary>
    public TimeSpan GatewayTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How blocks are laid out in blocks/: "pack" (the default) or "flatfs". Read by `init`; an existing repo
    /// keeps the layout it was created with (its blocks/ directory says which), whatever this field says.
    /// </summary>
    public string BlockStore { get; set; } = PackBlockStore;

    /// <summary>When block writes are fsynced; see <see cref="Storage.SyncPolicy"/>.</summary>
    public SyncPolicy SyncPolicy { get; set; } = SyncPolicy.Batch;

    /// <summary>
    /// Re-hash every block read from this repo's store against its CID (kubo's <c>Datastore.HashOnRead</c>, off by
    /// default as in kubo). Blocks are hashed on their way in (add, a peer's block, dag import) and peers hash what
    /// they receive, so this only catches disk rot earlier, at one SHA-256 per block read; `repo verify` finds it
    /// without the cost on every `cat`. Read by the daemon and the offline commands.
    /// </summary>
    public bool HashOnRead { get; set; }

    public RepoLimits Limits { get; set; } = new();

    /// <summary>Peer discovery beyond the bootstrap list: <c>discovery.mdns</c> (LAN discovery, on by default).</summary>
    public RepoDiscovery Discovery { get; set; } = new();

    /// <summary>How often provider records are republished; kubo's Reprovider.Interval default (22 h, records live 48 h).</summary>
    public TimeSpan ReprovideInterval { get; set; } = TimeSpan.FromHours(22);

    /// <summary>Reaching and being reached behind NATs; see <see cref="NatConfig"/>.</summary>
    public NatConfig Nat { get; set; } = new();

    /// <summary>trace, debug, information, warning, error, critical or none.</summary>
    public string LogLevel { get; set; } = "information";

    /// <summary>Every problem found, each a short phrase naming the field; empty when the config is usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Identity?.PeerId is { } peerId && !Multiformats.PeerId.TryParse(peerId, out _, out var peerIdError))
            errors.Add($"identity.peerId '{peerId}' is not a PeerId: {peerIdError}");
        if (Multiformats.Multiaddr.Check(Listen, requirePeerId: false) is { } listenError)
            errors.Add($"listen {listenError}");
        if (Bootstrap is null)
        {
            errors.Add("bootstrap must be a list");
        }
        else
        {
            foreach (var peer in Bootstrap)
            {
                if (Multiformats.Multiaddr.Check(peer, requirePeerId: true) is { } peerError)
                    errors.Add($"bootstrap entry {peerError}");
            }
        }
        if (HostSyntax.CheckEndpoint(Api) is { } apiError)
            errors.Add($"api {apiError}");
        if (ApiAllowedHosts is null)
        {
            errors.Add("apiAllowedHosts must be a list");
        }
        else
        {
            foreach (var host in ApiAllowedHosts)
            {
                if (HostSyntax.Check(host) is { } hostError)
                    errors.Add($"apiAllowedHosts entry {hostError}");
            }
        }
        if (HostSyntax.CheckEndpoint(Gateway) is { } gatewayError)
            errors.Add($"gateway {gatewayError}");
        if (GatewayTimeout < TimeSpan.FromMilliseconds(100) || GatewayTimeout > TimeSpan.FromMinutes(10))
            errors.Add("gatewayTimeout must be between 00:00:00.1 and 00:10:00");
        if (BlockStore is not (PackBlockStore or FlatFsBlockStore))
            errors.Add($"blockStore must be {PackBlockStore} or {FlatFsBlockStore}");
        if (!Enum.IsDefined(SyncPolicy))
            errors.Add("syncPolicy must be none, batch or always");
        if (Limits is null)
        {
            errors.Add("limits must be an object");
        }
        else
        {
            if (Limits.MaxPeers < 1)
                errors.Add("limits.maxPeers must be at least 1");
            if (Limits.MaxInFlightRequestsPerPeer < 1)
                errors.Add("limits.maxInFlightRequestsPerPeer must be at least 1");
            if (Limits.UploadRateBytesPerSecond < 0)
                errors.Add("limits.uploadRateBytesPerSecond must be 0 (unlimited) or more");
            if (Limits.MaxPendingHandshakes < 1)
                errors.Add("limits.maxPendingHandshakes must be at least 1");
            if (Limits.MaxHttpConnections < 1)
                errors.Add("limits.maxHttpConnections must be at least 1");
            if (!(Limits.DhtRequestsPerSecondPerPeer >= 1) || double.IsInfinity(Limits.DhtRequestsPerSecondPerPeer))
                errors.Add("limits.dhtRequestsPerSecondPerPeer must be a number of at least 1");
            if (!(Limits.DhtRequestsPerSecondPerIp >= 1) || double.IsInfinity(Limits.DhtRequestsPerSecondPerIp))
                errors.Add("limits.dhtRequestsPerSecondPerIp must be a number of at least 1");
        }
        if (Nat is null)
            errors.Add("nat must be an object");
        if (Discovery is null)
            errors.Add("discovery must be an object");
        else if (Discovery.MdnsInterval < TimeSpan.FromSeconds(1) || Discovery.MdnsInterval > TimeSpan.FromHours(1))
            errors.Add("discovery.mdnsInterval must be between 00:00:01 and 01:00:00");
        if (ReprovideInterval < TimeSpan.FromMinutes(1) || ReprovideInterval > TimeSpan.FromHours(48))
            errors.Add("reprovideInterval must be between 00:01:00 and 48:00:00 (records expire after 48 h)");
        if (!Enum.TryParse<LogLevel>(LogLevel, ignoreCase: true, out _) || int.TryParse(LogLevel, out _))
            errors.Add($"logLevel '{LogLevel}' is not one of trace, debug, information, warning, error, critical, none");
        return errors;
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses and validates; throws <see cref="RepoException"/> whose one-line message names <paramref name="source"/>.</summary>
    public static RepoConfig FromJson(string json, string source)
    {
        RepoConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<RepoConfig>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, column {e.BytePositionInLine + 1}" : "";
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" (field {e.Path[2..]})";
            throw new RepoException(RepoErrorReason.InvalidConfig, $"{source} is not valid JSON{where}{field}: {Reason(e.Message)}", e);
        }
        if (config is null)
            throw new RepoException(RepoErrorReason.InvalidConfig, $"{source} is empty (null)");
        var errors = config.Validate();
        if (errors.Count > 0)
            throw new RepoException(RepoErrorReason.InvalidConfig, $"{source}: {string.Join("; ", errors)}");
        return config;
    }

    /// <summary>Reads and validates a config file.</summary>
    public static RepoConfig Load(string path)
    {
        string json;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > MaxFileBytes)
                throw new RepoException(RepoErrorReason.InvalidConfig, $"{path} is {length} bytes; a config is at most {MaxFileBytes}");
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RepoException(RepoErrorReason.InvalidConfig, $"cannot read {path}: {e.Message}", e);
        }
        return FromJson(json, path);
    }

    /// <summary>Validates, then replaces the file atomically (a crash leaves the old or the new config, never half of one).</summary>
    public void Save(string path)
    {
        var errors = Validate();
        if (errors.Count > 0)
            throw new RepoException(RepoErrorReason.InvalidConfig, $"refusing to save an invalid config: {string.Join("; ", errors)}");
        AtomicFile.Write(path, System.Text.Encoding.UTF8.GetBytes(ToJson() + "\n"));
    }

    /// <summary>System.Text.Json's message without the position and path it appends (we print those ourselves).</summary>
    private static string Reason(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        if (end >= 0)
            message = message[..end];
        foreach (var marker in new[] { " Path: ", " LineNumber: " })
        {
            var at = message.IndexOf(marker, StringComparison.Ordinal);
            if (at > 0)
                message = message[..at];
        }
        return message.TrimEnd();
    }
}

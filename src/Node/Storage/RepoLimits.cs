namespace P2P.Node.Storage;

/// <summary>Resource caps from config.json's <c>limits</c> section. Zero means unlimited where the name says so.</summary>
public sealed class RepoLimits
{
    /// <summary>Most peers connected at once.</summary>
    public int MaxPeers { get; set; } = 256;

    /// <summary>Most block requests one peer may have outstanding with us (and we with it).</summary>
    public int MaxInFlightRequestsPerPeer { get; set; } = 64;

    /// <summary>Upload cap in bytes per second over all peers; 0 = unlimited.</summary>
    public long UploadRateBytesPerSecond { get; set; }

    /// <summary>Inbound handshakes in progress at once (half-open connections); more connection attempts are refused.</summary>
    public int MaxPendingHandshakes { get; set; } = 64;

    /// <summary>HTTP connections the API, and separately the gateway, serve at once; more are closed as they arrive.</summary>
    public int MaxHttpConnections { get; set; } = 256;

    /// <summary>DHT requests answered per second from one peer (IP:port); the burst is twice this. More are dropped.</summary>
    public double DhtRequestsPerSecondPerPeer { get; set; } = 500;

    /// <summary>DHT requests answered per second from all peers on one IP address (loopback exempt); the burst is twice this.</summary>
    public double DhtRequestsPerSecondPerIp { get; set; } = 2000;
}

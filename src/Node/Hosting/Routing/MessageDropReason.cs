namespace P2P.Node.Hosting.Routing;

/// <summary>Why the router discarded an authenticated message. Each is counted and logged once.</summary>
public enum MessageDropReason
{
    /// <summary>Bytes that do not decode as a wire message (bad version, unknown type, over its cap, malformed body).</summary>
    Undecodable,

    /// <summary>A DHT answer that matches no request of ours to that peer with that type.</summary>
    UnsolicitedResponse,

    /// <summary>A DHT request the node refused (an announcement naming someone else, a full provider store).</summary>
    RefusedRequest,

    /// <summary>An exchange message with no exchange registered.</summary>
    NoExchange,

    /// <summary>A handler failed on the message (a bug; logged with its exception).</summary>
    HandlerFailed,
}

namespace P2P.Node.Hosting.Gateway.DelegatedRouting;

/// <summary>
/// Which body a request asked for (specs.ipfs.tech/routing/http-routing-v1, "Streaming"): ndjson only when the
/// client's Accept names <c>application/x-ndjson</c>, JSON without an Accept or when it names JSON or a wildcard,
/// nothing we serve otherwise. The rule is boxo's server's: ndjson wins when both are acceptable, whatever the q.
/// </summary>
public enum RoutingMediaType
{
    Unsupported,
    Json,
    NdJson,
}

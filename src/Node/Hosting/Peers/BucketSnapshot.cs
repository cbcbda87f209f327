using P2P.Dht;

namespace P2P.Node.Hosting.Peers;

/// <summary>One k-bucket as `dht table` prints it: its common prefix length with us and its peers, oldest first.</summary>
public sealed record BucketSnapshot(int PrefixLength, IReadOnlyList<Contact> Contacts);

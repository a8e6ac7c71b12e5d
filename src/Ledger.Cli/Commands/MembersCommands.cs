using System.CommandLine;
using System.Globalization;
using System.Numerics;
using Ledger.Chain;
using Ledger.Chain.Contracts.Consortium.ContractDefinition;
using Ledger.Chain.Profiles;
using Ledger.Chain.Transactions;
using Ledger.Core.Model;
using Ledger.Core.Primitives;
using Ledger.Local;
using Ledger.Sdk.Keys;
using Nethereum.Contracts;
using Spectre.Console;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger members list | propose-admit | approve | suspend | reinstate | remove</c>: the consortium's on-chain
/// membership, and its governance. Changes are proposals signed by a governor key (<c>--governor-key FILE</c>, or
/// <c>--dev-governor N</c> on a local chain); each runs when enough governors approve (the threshold).
/// </summary>
public sealed class MembersCommands : ICommandGroup
{
    /// <inheritdoc/>
    public Command Build(GlobalOptions globals)
    {
        ArgumentNullException.ThrowIfNull(globals);
        var members = new Command("members", "The consortium's members on chain, and governance: admit, suspend, reinstate, remove.");
        members.Subcommands.Add(List(globals));
        members.Subcommands.Add(ProposeAdmit(globals));
        members.Subcommands.Add(Approve(globals));
        members.Subcommands.Add(StatusChange(globals, "suspend", "Propose suspending a member (it stops acting until reinstated).", org => new SuspendMemberFunction { OrgId = org }));
        members.Subcommands.Add(StatusChange(globals, "reinstate", "Propose reinstating a suspended member.", org => new ReinstateMemberFunction { OrgId = org }));
        members.Subcommands.Add(TlsPins(globals));
        members.Subcommands.Add(StatusChange(globals, "remove", "Propose removing a member for good (its operators stop acting; it cannot come back).", org => new RemoveMemberFunction { OrgId = org }));
        return members;
    }

    private static Command List(GlobalOptions globals)
    {
        var command = new Command("list", "List every member on chain: organization, role, status, operators, endpoint, encryption key.");
        globals.Listing(command);
        globals.Run(command, async (context, cancellationToken) =>
        {
            var chain = await context.OpenChainAsync(cancellationToken).ConfigureAwait(false);
            var directory = new MemberDirectory(chain.Rpc, chain.Deployment);
            var (list, block) = await directory.ListAsync(cancellationToken).ConfigureAwait(false);
            var governance = await directory.GovernanceAsync(cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(new
                {
                    chainId = chain.Deployment.ChainId.ToString(CultureInfo.InvariantCulture),
                    block,
                    governors = governance.Governors.Select(g => g.ToString()),
                    threshold = governance.Threshold,
                    members = list.Select(m => new
                    {
                        org = m.Org.Code,
                        role = LocalRoles.Word(m.Role),
                        status = m.Status.ToString().ToLowerInvariant(),
                        name = m.Name,
                        operators = m.Operators.Select(o => o.ToString()),
                        endpoint = m.Endpoint,
                        enode = m.Enode,
                        encryptionKey = "0x" + Convert.ToHexStringLower(m.EncryptionKey),
                        tlsPins = m.TlsPins.Select(p => p.ToString()),
                        admittedAtBlock = m.AdmittedAtBlock,
                        updatedAtBlock = m.UpdatedAtBlock,
                    }),
                });
                return CliErrors.Ok;
            }
            var table = CliContext.NewTable("Org", "Role", "Status", "Name", "Operators", "Endpoint", "Encryption key");
            if (list.Any(m => m.Enode.Length > 0))
            {
                table.AddColumn("Enode");
            }
            foreach (var m in list)
            {
                var status = m.Status switch
                {
                    MemberStatus.Active => $"[green]{m.Status.Word()}[/]",
                    MemberStatus.Suspended => $"[yellow]{m.Status.Word()}[/]",
                    _ => "[red]" + m.Status.ToString().ToLowerInvariant() + "[/]",
                };
                var cells = new List<string>
                {
                    Markup.Escape(m.Org.Code), LocalRoles.Word(m.Role), status, Markup.Escape(m.Name),
                    string.Join("\n", m.Operators), Markup.Escape(m.Endpoint), CliParse.Abbreviate("0x" + Convert.ToHexStringLower(m.EncryptionKey)),
                };
                if (table.Columns.Count > 7)
                {
                    cells.Add(Markup.Escape(CliParse.Abbreviate(m.Enode)));
                }
                table.AddRow(cells.ToArray());
            }
            context.WriteList(table, $"{list.Count} members at block {block}; governance: {governance.Threshold} of {governance.Governors.Count} governors approve.");
            return CliErrors.Ok;
        });
        return command;
    }

    private static Command ProposeAdmit(GlobalOptions globals)
    {
        var org = new Argument<string>("org") { Description = "The organization code to admit, e.g. bank.abc.liuzhou." };
        var role = new Option<string>("--role") { Description = "tax, bank, guarantor, regulator or auditor.", Required = true };
        var name = new Option<string?>("--name") { Description = "The display name (default: the code)." };
        var endpoint = new Option<string?>("--endpoint") { Description = "The member node's gRPC address.", HelpName = "URL" };
        var enode = new Option<string?>("--enode")
        {
            Description = "The member's Besu enode URL for the nodes allowlist: enode://<128 hex>@<host>:<port>[?discport=N] (checked before anything is proposed).",
            HelpName = "URL",
        };
        var operators = new Option<string[]>("--operator") { Description = "An operator account (repeat for several).", HelpName = "ADDRESS", AllowMultipleArgumentsPerToken = false };
        var encryptionKey = new Option<string?>("--encryption-key") { Description = "The member's encryption public key (0x02…/0x03…, 33 bytes).", HelpName = "HEX" };
        var memberKeyStore = new Option<string?>("--member-key-store")
        {
            Description = "Take the operator and encryption key from the member's key store (public parts only; no password needed).",
            HelpName = "FILE",
        };
        var (governorKey, devGovernor) = GovernorOptions();
        var command = new Command("propose-admit", "Propose admitting a member (a governor signs; it runs once enough governors approve).")
        {
            org, role, name, endpoint, enode, operators, encryptionKey, memberKeyStore, governorKey, devGovernor,
        };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var orgId = CliParse.Org(context.Get(org), "org");
            var memberRole = CliParse.Role(context.Get(role), "--role");
            // Before anything touches the chain: a malformed enode would only surface at `besu export-allowlist`.
            var enodeUrl = context.Get(enode)?.Trim() ?? "";
            LocalErrors.EnsureEnode(orgId.Code, enodeUrl);
            var accounts = (context.Get(operators) ?? []).Select(o => CliParse.Address(o, "--operator")).ToList();
            byte[]? key = context.Get(encryptionKey) is { } hex ? CliParse.EncryptionKey(hex, "--encryption-key") : null;
            if (context.Get(memberKeyStore) is { } storeFile)
            {
                var (account, publicKey) = NodeKeyStore.ReadPublic(context.Environment.FullPath(storeFile));
                if (!accounts.Contains(account))
                {
                    accounts.Add(account);
                }
                key ??= publicKey;
            }
            if (accounts.Count == 0)
            {
                throw CliErrors.BadArgument("Name at least one operator account (--operator ADDRESS, or --member-key-store FILE).");
            }
            if (key is null)
            {
                throw CliErrors.BadArgument("Give the member's encryption public key (--encryption-key HEX, or --member-key-store FILE).");
            }
            var endpointUrl = context.Get(endpoint) is { } url ? CliParse.Url(url, "--endpoint") : "";
            var chain = await context.OpenChainAsync(cancellationToken).ConfigureAwait(false);
            var governor = Governor(context, chain, context.Get(governorKey), context.Get(devGovernor));
            var proposal = await governor.ProposeAdmitMemberAsync(
                orgId, memberRole, context.Get(name) ?? orgId.Code, endpointUrl, enodeUrl, key, accounts,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            return await ReportProposalAsync(context, chain, proposal, "admitMember", orgId, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static Command StatusChange(GlobalOptions globals, string verb, string description, Func<byte[], FunctionMessage> action)
    {
        var org = new Argument<string>("org") { Description = "The member's organization code." };
        var (governorKey, devGovernor) = GovernorOptions();
        var command = new Command(verb, description) { org, governorKey, devGovernor };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var orgId = CliParse.Org(context.Get(org), "org");
            var chain = await context.OpenChainAsync(cancellationToken).ConfigureAwait(false);
            var (members, _) = await new MemberDirectory(chain.Rpc, chain.Deployment).ListAsync(cancellationToken).ConfigureAwait(false);
            if (members.All(m => m.Org != orgId))
            {
                throw CliErrors.UnknownOrg($"{orgId.Code} is not a member of this consortium; `ledger members list` shows who is.");
            }
            var governor = Governor(context, chain, context.Get(governorKey), context.Get(devGovernor));
            var message = action(orgId.Value.ToArray());
            var proposal = await ProposeAsync(governor, message, cancellationToken).ConfigureAwait(false);
            return await ReportProposalAsync(context, chain, proposal, verb + "Member", orgId, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    // Governance registers the pins of a member's node certificates (docs/tls.md): one, or two during a rotation, or
    // none to clear them.
    private static Command TlsPins(GlobalOptions globals)
    {
        var org = new Argument<string>("org") { Description = "The member's organization code." };
        var pins = new Argument<string[]>("pins")
        {
            Description = "The TLS pins (0x…, as `ledger-node keys show` prints them): the current certificate's, and during a rotation the next one's; none clears them.",
            Arity = new ArgumentArity(0, 2),
        };
        var (governorKey, devGovernor) = GovernorOptions();
        var command = new Command("tls-pins", "Propose the TLS pins of a member's node (its certificates; docs/tls.md): rotate by registering current and next, switching, then next alone.")
        {
            org, pins, governorKey, devGovernor,
        };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var orgId = CliParse.Org(context.Get(org), "org");
            var parsed = (context.Get(pins) ?? []).Select(p => Sdk.Tls.TlsPins.TryParse(p, out var pin) ? pin
                : throw CliErrors.BadArgument($"'{p}' is not a TLS pin (0x followed by 64 hex digits, as `ledger-node keys show` prints it).")).ToList();
            var chain = await context.OpenChainAsync(cancellationToken).ConfigureAwait(false);
            var governor = Governor(context, chain, context.Get(governorKey), context.Get(devGovernor));
            var proposal = await governor.ProposeAsync(
                new ChangeTlsPinsFunction { OrgId = orgId.Value.ToArray(), Pins = parsed.Select(p => p.ToArray()).ToList() }, cancellationToken: cancellationToken).ConfigureAwait(false);
            return await ReportProposalAsync(context, chain, proposal, "changeTlsPins", orgId, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static Task<BigInteger> ProposeAsync(LedgerChainClient governor, FunctionMessage message, CancellationToken cancellationToken) => message switch
    {
        SuspendMemberFunction suspend => governor.ProposeAsync(suspend, cancellationToken: cancellationToken),
        ReinstateMemberFunction reinstate => governor.ProposeAsync(reinstate, cancellationToken: cancellationToken),
        RemoveMemberFunction remove => governor.ProposeAsync(remove, cancellationToken: cancellationToken),
        _ => throw new ArgumentException($"No governance action {message.GetType().Name}.", nameof(message)),
    };

    private static Command Approve(GlobalOptions globals)
    {
        var proposal = new Argument<string>("proposal") { Description = "The proposal number." };
        var (governorKey, devGovernor) = GovernorOptions();
        var command = new Command("approve", "Approve a governance proposal; the approval that reaches the threshold runs it.") { proposal, governorKey, devGovernor };
        globals.Run(command, async (context, cancellationToken) =>
        {
            var id = CliParse.ProposalId(context.Get(proposal), "proposal");
            var chain = await context.OpenChainAsync(cancellationToken).ConfigureAwait(false);
            var directory = new MemberDirectory(chain.Rpc, chain.Deployment);
            _ = await directory.ProposalAsync(id, cancellationToken).ConfigureAwait(false); // LEDGER-1208 for an unknown number
            var governor = Governor(context, chain, context.Get(governorKey), context.Get(devGovernor));
            var outcome = await governor.ApproveAsync(id, cancellationToken: cancellationToken).ConfigureAwait(false);
            var state = await directory.ProposalAsync(id, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(new
                {
                    proposalId = id.ToString(CultureInfo.InvariantCulture),
                    executed = state.Executed,
                    approvals = state.Approvals,
                    threshold = state.Threshold,
                    tx = outcome.TxHash.ToString(),
                    block = outcome.BlockNumber,
                });
            }
            else
            {
                context.Console.MarkupLine(state.Executed
                    ? $"Approved proposal {id} (tx {outcome.TxHash.ToShortString()}, block {outcome.BlockNumber}): [green]it ran[/]."
                    : $"Approved proposal {id} (tx {outcome.TxHash.ToShortString()}, block {outcome.BlockNumber}): {state.Approvals} of {state.Threshold} approvals so far.");
            }
            return CliErrors.Ok;
        });
        return command;
    }

    private static async Task<int> ReportProposalAsync(CliContext context, ChainEnvironment chain, BigInteger proposal, string action, OrgId org, CancellationToken cancellationToken)
    {
        var state = await new MemberDirectory(chain.Rpc, chain.Deployment).ProposalAsync(proposal, cancellationToken).ConfigureAwait(false);
        if (context.Json)
        {
            context.WriteJson(new
            {
                proposalId = proposal.ToString(CultureInfo.InvariantCulture),
                action,
                org = org.Code,
                proposer = state.Proposer.ToString(),
                executed = state.Executed,
                approvals = state.Approvals,
                threshold = state.Threshold,
                expiresAt = state.ExpiresAt,
            });
        }
        else
        {
            context.Console.MarkupLine(state.Executed
                ? $"Proposal {proposal} ({action} {Markup.Escape(org.Code)}) [green]ran at once[/] (threshold {state.Threshold})."
                : $"Proposal {proposal} ({action} {Markup.Escape(org.Code)}): {state.Approvals} of {state.Threshold} approvals; another governor runs `ledger members approve {proposal}`.");
        }
        return CliErrors.Ok;
    }

    private static (Option<string?> Key, Option<int?> Dev) GovernorOptions() =>
    (
        new Option<string?>("--governor-key")
        {
            Description = $"A governor's key: a file holding its private key as hex, or a Ledger key store (password from {GlobalOptions.PasswordVariable}).",
            HelpName = "FILE",
        },
        new Option<int?>("--dev-governor")
        {
            Description = "On a local chain: act as dev governor 0, 1 or 2 (the well-known hardhat accounts; never on a real network).",
            HelpName = "N",
        }
    );

    /// <summary>The chain client of the governor the options name.</summary>
    private static LedgerChainClient Governor(CliContext context, ChainEnvironment chain, string? keyFile, int? devIndex)
    {
        byte[] key;
        if (keyFile is not null && devIndex is not null)
        {
            throw CliErrors.BadArgument("Give either --governor-key or --dev-governor, not both.");
        }
        if (keyFile is not null)
        {
            key = KeyFiles.ReadPrivateKey(context, context.Environment.FullPath(keyFile));
        }
        else if (devIndex is { } index)
        {
            if ((ulong)chain.Deployment.ChainId != LocalConsortium.LocalChainId)
            {
                throw CliErrors.BadArgument($"--dev-governor works on a local chain only (chain id {LocalConsortium.LocalChainId}); this chain is {chain.Deployment.ChainId}. Use --governor-key FILE.");
            }
            if (index is < 0 or > 2)
            {
                throw CliErrors.BadArgument("--dev-governor is 0, 1 or 2 (the local chain's three governors).");
            }
            key = DevAccounts.PrivateKey(index);
        }
        else
        {
            throw CliErrors.Target("Governance needs a governor's key: --governor-key FILE, or on a local chain --dev-governor 0|1|2.");
        }
        try
        {
            var sender = context.Own(chain.CreateSender(key, new InMemoryTransactionJournal()));
            return new LedgerChainClient(sender, chain.Deployment);
        }
        finally
        {
            Array.Clear(key);
        }
    }
}

//! CQRS and event sourcing (roadmap item 2.2): separate paths for commands and queries, an event
//! store, and read models: judged apart, since the seed asks for both.
//!
//! Symfony Messenger buses are read from framework configuration; handlers, buses and event
//! stores from the content scan (class names, attributes, imports). A library or framework that
//! *implements* a message bus or an event store for its users does not practise CQRS itself, so
//! these checks do not apply to libraries.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::files::Location;
use crate::facts::manifests::Ecosystem;
use crate::model::{Evidence, Finding};
use crate::repo::support::{list, unreadable_symfony};

use super::{dirs, is_source};

fn hit_evidence(h: &crate::facts::scan::Hit) -> Evidence {
    Evidence::file_snippet(h.path.clone(), h.line, h.text.clone())
}

pub struct CommandQuerySeparation;

impl Check for CommandQuerySeparation {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.arch.command_query_separation",
            title: "Commands and queries take separate paths",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "Separating commands (which change state) from queries (which read it) lets each side be modelled, scaled and secured for what it does, and prepares the write side for event sourcing.",
            remediation: "Route writes through command handlers and reads through query handlers on separate buses, for example Symfony Messenger with `command.bus` and `query.bus` under `framework.messenger.buses`, Axon `@CommandHandler`/`@QueryHandler`, or MediatR requests named as commands and queries.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut commands: Vec<(String, Evidence)> = Vec::new();
        let mut queries: Vec<(String, Evidence)> = Vec::new();
        for found in repo.config.symfony("framework.messenger.buses") {
            for bus in found.node.entries() {
                let name = bus.key.to_ascii_lowercase();
                let item = (
                    format!("the Messenger bus `{}` (`{}`)", bus.key, found.path),
                    Evidence::file(found.path, Some(bus.line)),
                );
                if name.contains("command") || name.contains("write") {
                    commands.push(item);
                } else if name.contains("query") || name.contains("read") {
                    queries.push(item);
                }
            }
        }
        for (id, what, side) in [
            ("cqrs.command_handler", "command handlers", &mut commands),
            ("cqrs.query_handler", "query handlers", &mut queries),
        ] {
            if let Some(h) = repo.scan.project_hits(id).next() {
                side.push((format!("{what} (`{}`)", h.path), hit_evidence(h)));
            }
        }
        for h in repo.scan.project_hits("cqrs.buses") {
            let t = h.text.to_ascii_lowercase();
            let (side, what) =
                if t.contains("query") { (&mut queries, "a query bus") } else { (&mut commands, "a command bus") };
            if side.iter().all(|(n, _)| !n.starts_with(what)) {
                side.push((format!("{what} (`{}`)", h.path), hit_evidence(h)));
            }
        }
        let names = |v: &[(String, Evidence)]| list(&v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>());
        let evidence = |v: &[(String, Evidence)]| v.iter().map(|(_, e)| e.clone()).collect::<Vec<_>>();
        if !commands.is_empty() && !queries.is_empty() {
            return Finding::pass(format!(
                "commands go through {} and queries through {}",
                names(&commands),
                names(&queries)
            ))
            .with(evidence(&commands))
            .with(evidence(&queries));
        }
        if !commands.is_empty() {
            return Finding::partial(
                0.5,
                format!("commands go through {}, but no separate query side was found", names(&commands)),
            )
            .with(evidence(&commands));
        }
        if !queries.is_empty() {
            return Finding::partial(
                0.4,
                format!("queries go through {}, but no command side was found", names(&queries)),
            )
            .with(evidence(&queries));
        }
        if let Some(h) = repo.scan.project_hits("cqrs.message_handler").next() {
            return Finding::partial(
                0.3,
                format!(
                    "messages are dispatched to handlers (`{}`) on one bus, without separate commands and queries",
                    h.path
                ),
            )
            .with_one(hit_evidence(h));
        }
        if let Some(unknown) =
            unreadable_symfony(repo, &["messenger", "framework"], "message buses separate commands and queries")
        {
            return unknown;
        }
        Finding::fail(
            "no command or query handlers found (looked for Messenger command/query buses, *CommandHandler and *QueryHandler classes, Axon, MediatR and NestJS CQRS handlers)",
        )
    }
}

/// Event-store libraries, by ecosystem.
const EVENT_STORES: &[(Ecosystem, &str)] = &[
    (Ecosystem::Composer, "prooph/event-store"),
    (Ecosystem::Composer, "prooph/pdo-event-store"),
    (Ecosystem::Composer, "broadway/broadway"),
    (Ecosystem::Composer, "eventsauce/eventsauce"),
    (Ecosystem::Composer, "ecotone/pdo-event-sourcing"),
    (Ecosystem::Composer, "patchlevel/event-sourcing"),
    (Ecosystem::Npm, "@eventstore/db-client"),
    (Ecosystem::Npm, "@kurrent/kurrentdb-client"),
    (Ecosystem::Npm, "@event-driven-io/emmett"),
    (Ecosystem::Pypi, "eventsourcing"),
    (Ecosystem::Pypi, "esdbclient"),
    (Ecosystem::Maven, "org.axonframework:axon-spring-boot-starter"),
    (Ecosystem::Maven, "org.axonframework:axon-eventsourcing"),
    (Ecosystem::Maven, "com.eventstore:db-client-java"),
    (Ecosystem::Gradle, "org.axonframework:axon-spring-boot-starter"),
    (Ecosystem::Gradle, "com.eventstore:db-client-java"),
    (Ecosystem::Go, "github.com/EventStore/EventStore-Client-Go"),
    (Ecosystem::Go, "github.com/hallgren/eventsourcing"),
    (Ecosystem::Cargo, "cqrs-es"),
    (Ecosystem::Cargo, "eventstore"),
    (Ecosystem::Cargo, "kurrentdb"),
    (Ecosystem::Cargo, "disintegrate"),
];

/// Folder names that hold read models.
fn is_read_model_dir(segment: &str) -> bool {
    matches!(
        segment.to_ascii_lowercase().replace(['_', '-'], "").as_str(),
        "readmodel" | "readmodels" | "projection" | "projections" | "projector" | "projectors"
    )
}

pub struct EventStore;

impl Check for EventStore {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.arch.event_store",
            title: "Domain events are kept in an event store",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "An event store keeps every state change as a fact that can be replayed and audited: the preparation for event sourcing the seed asks for.",
            remediation: "Record domain events in an event store (EventSauce, Prooph, Ecotone, Axon, EventStoreDB, Marten) through its repository, so aggregates can be rebuilt from their events.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let store = repo.scan.project_hits("es.store_code").next();
        let dep = EVENT_STORES.iter().find_map(|(eco, name)| repo.manifests.has(*eco, name));
        if let Some(h) = store {
            let mut evidence = vec![hit_evidence(h)];
            let mut message = format!("an event store is used in `{}`", h.path);
            if let Some(d) = dep {
                message.push_str(&format!(" (`{}` is declared in `{}`)", d.name, d.manifest));
                evidence.push(Evidence::file(d.manifest.clone(), d.line));
            }
            return Finding::pass(message).with(evidence);
        }
        if let Some(d) = dep {
            return Finding::partial(
                0.6,
                format!("the event-store library `{}` is declared in `{}` but no code uses it", d.name, d.manifest),
            )
            .with_one(Evidence::file(d.manifest.clone(), d.line));
        }
        if let Some(h) = repo.scan.project_hits("ddd.domain_event").next() {
            return Finding::partial(
                0.3,
                format!("domain events exist (`{}`) but are not kept in an event store", h.path),
            )
            .with_one(hit_evidence(h));
        }
        Finding::fail(
            "no event store found (looked for EventSauce, Prooph, Broadway, Ecotone, Axon, EventStoreDB and Marten, and event-store interfaces in code)",
        )
    }
}

pub struct ReadModels;

impl Check for ReadModels {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.arch.read_models",
            title: "Queries read from read models separate from the write model",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "Read models projected from events or commands let queries be shaped for the screens that need them instead of for the write model: the read side of CQRS.",
            remediation: "Project state changes into dedicated read models (`ReadModel/`, `Projection/`, projectors) that the query handlers read from.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        if let Some(h) = repo.scan.project_hits("es.projection").next() {
            return Finding::pass(format!("a projection builds a read model in `{}`", h.path))
                .with_one(hit_evidence(h));
        }
        let read_dir = repo
            .files
            .entries()
            .iter()
            .filter(|e| e.location == Location::Project && is_source(e))
            .find(|e| dirs(&e.path).iter().any(|s| is_read_model_dir(s)));
        if let Some(e) = read_dir {
            return Finding::pass(format!("read models live in `{}`", e.dir()))
                .with_one(Evidence::file(e.path.clone(), None));
        }
        if let Some(h) = repo.scan.project_hits("ddd.domain_event").next() {
            return Finding::partial(
                0.3,
                format!("domain events exist (`{}`) but are not projected into read models", h.path),
            )
            .with_one(hit_evidence(h));
        }
        Finding::fail(
            "no read model found (looked for projections and projectors, and ReadModel/ or Projection/ folders)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::repo::testing::evaluate as run;

    const APP: (&str, &str) = ("composer.json", r#"{"type": "project"}"#);

    #[test]
    fn command_query_separation() {
        for (name, files, want) in [
            (
                "messenger buses",
                vec![
                    APP,
                    (
                        "config/packages/messenger.yaml",
                        "framework:\n    messenger:\n        default_bus: command.bus\n        buses:\n            command.bus: ~\n            query.bus: ~\n",
                    ),
                ],
                Status::Pass,
            ),
            (
                "handler classes",
                vec![
                    APP,
                    ("src/Application/PlaceOrderCommandHandler.php", "<?php\nfinal class PlaceOrderCommandHandler {}"),
                    ("src/Application/OrderQueryHandler.php", "<?php\nfinal class OrderQueryHandler {}"),
                ],
                Status::Pass,
            ),
            (
                "commands only",
                vec![APP, ("src/App/Ship.php", "<?php\nfinal class ShipCommandHandler {}")],
                Status::Partial,
            ),
            (
                "messenger handler",
                vec![APP, ("src/MessageHandler/Mail.php", "<?php\n#[AsMessageHandler]\nfinal class Mail {}")],
                Status::Partial,
            ),
            (
                "handlers in tests only",
                vec![
                    APP,
                    (
                        "tests/Fixtures/DummyCommandHandler.php",
                        "<?php\nclass DummyCommandHandler {}\nclass DummyQueryHandler {}",
                    ),
                ],
                Status::Fail,
            ),
            (
                "a library's own bus is judged like any code",
                vec![
                    ("composer.json", r#"{"type": "library"}"#),
                    (
                        "src/CommandBus.php",
                        "<?php\nfinal class CommandBus {}\nclass X implements CommandHandlerInterface {}",
                    ),
                ],
                Status::Partial,
            ),
            (
                "broken messenger config",
                vec![APP, ("config/packages/messenger.yaml", "framework:\n  messenger: [\n")],
                Status::Unknown,
            ),
            ("nothing", vec![APP], Status::Fail),
        ] {
            let f = run(&CommandQuerySeparation, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn event_store() {
        for (name, files, want) in [
            (
                "eventsauce",
                vec![
                    ("composer.json", r#"{"type": "project", "require": {"eventsauce/eventsauce": "^3"}}"#),
                    ("src/Infrastructure/Store.php", "<?php\nuse EventSauce\\EventSourcing\\AggregateRootRepository;"),
                ],
                Status::Pass,
            ),
            (
                "a read model is not an event store",
                vec![APP, ("src/Catalog/ReadModel/ProductView.php", "<?php")],
                Status::Fail,
            ),
            (
                "declared only",
                vec![("composer.json", r#"{"type": "project", "require": {"broadway/broadway": "^2"}}"#)],
                Status::Partial,
            ),
            (
                "domain events only",
                vec![APP, ("src/Domain/OrderPlaced.php", "<?php\nfinal class OrderPlaced implements DomainEvent {}")],
                Status::Partial,
            ),
            (
                "browser EventSource",
                vec![APP, ("assets/live.js", "const es = new EventSource('/events');\nes.onmessage = render;")],
                Status::Fail,
            ),
            (
                "a library's event store is judged like any code",
                vec![
                    ("composer.json", r#"{"type": "library"}"#),
                    ("src/EventStoreInterface.php", "<?php interface EventStoreInterface {}"),
                ],
                Status::Pass,
            ),
            (
                "a word that names an animal",
                vec![APP, ("src/Emoji/data.php", "<?php\nreturn ['marten' => 'Marten'];")],
                Status::Fail,
            ),
            ("nothing", vec![APP], Status::Fail),
        ] {
            let f = run(&EventStore, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn read_models() {
        for (name, files, want) in [
            ("read model folder", vec![APP, ("src/Catalog/ReadModel/ProductView.php", "<?php")], Status::Pass),
            (
                "an event store is not a read model",
                vec![APP, ("src/EventStoreInterface.php", "<?php interface EventStoreInterface {}")],
                Status::Fail,
            ),
            (
                "domain events only",
                vec![APP, ("src/Domain/OrderPlaced.php", "<?php\nfinal class OrderPlaced implements DomainEvent {}")],
                Status::Partial,
            ),
            ("read model in tests", vec![APP, ("tests/Fixtures/ReadModel/View.php", "<?php")], Status::Fail),
            ("nothing", vec![APP], Status::Fail),
        ] {
            let f = run(&ReadModels, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }
}

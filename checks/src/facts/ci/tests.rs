use super::*;

fn ci(files: &[(&str, &str)]) -> (CiFacts, Vec<Problem>) {
    let idx = FileIndex::from_memory(files);
    let mut problems = Vec::new();
    let m = crate::facts::manifests::collect(&idx, None, &mut problems);
    (collect(&idx, &m, &mut problems), problems)
}

fn runs(p: &Pipeline) -> Vec<(String, bool, Vec<String>)> {
    p.jobs
        .iter()
        .map(|j| (j.id.clone(), j.on_pr, j.steps.iter().filter_map(|s| s.run.clone().or(s.uses.clone())).collect()))
        .collect()
}

#[test]
fn github_env_values_are_expanded_in_commands() {
    let (ci, _) = ci(&[(
        ".github/workflows/ci.yml",
        "on: pull_request\nenv:\n  RUNNER: vendor/bin/phpunit\njobs:\n  test:\n    env:\n      CARGO: cargo\n    steps:\n      - run: ${{ env.CARGO }} test --workspace\n      - run: ${{ env.RUNNER }} --testdox\n      - run: ${{ env.CARGO }} build\n        env:\n          CARGO: cross\n      - run: ${{ env.UNSET }} x\n      - run: ${{ env.FROM_EXPR }} y\n        env:\n          FROM_EXPR: ${{ matrix.tool }}\n",
    )]);
    assert_eq!(
        runs(&ci.pipelines[0])[0].2,
        vec![
            "cargo test --workspace",
            "vendor/bin/phpunit --testdox",
            "cross build",
            "${{ env.UNSET }} x",
            "${{ env.FROM_EXPR }} y"
        ]
    );
}

#[test]
fn github_triggers_jobs_and_conditions() {
    let (ci, problems) = ci(&[(
        ".github/workflows/ci.yml",
        "name: CI\non:\n  pull_request:\n    branches: [main]\n  push:\n  schedule:\n    - cron: '0 3 * * *'\njobs:\n  test:\n    name: Tests\n    steps:\n      - uses: actions/checkout@v4\n      - name: Run\n        run: |\n          # comment\n          vendor/bin/phpunit\n        env:\n          X: 1\n  deploy:\n    if: github.event_name == 'push' && github.ref == 'refs/heads/main'\n    environment:\n      name: production\n      url: https://x\n    steps:\n      - uses: azure/webapps-deploy@v3\n        with:\n          app-name: shop\n",
    )]);
    assert!(problems.is_empty());
    let p = &ci.pipelines[0];
    assert_eq!(p.name.as_deref(), Some("CI"));
    assert_eq!(p.pr, PrTrigger::Explicit { line: 3 });
    assert!(p.push && p.scheduled);
    assert_eq!(
        runs(p),
        vec![
            ("test".into(), true, vec!["actions/checkout@v4".into(), "vendor/bin/phpunit".into()]),
            ("deploy".into(), false, vec!["azure/webapps-deploy@v3".into()]),
        ]
    );
    assert_eq!(p.jobs[0].name.as_deref(), Some("Tests"));
    assert_eq!(p.jobs[0].line, 9);
    assert_eq!(p.jobs[0].steps[1].line, 13);
    assert_eq!(p.jobs[1].environment.as_deref(), Some("production"));
    assert_eq!(p.jobs[1].steps[0].inputs, vec!["app-name=shop"]);
}

#[test]
fn github_reusable_workflows_and_composite_actions() {
    let (ci, _) = ci(&[
        (
            ".github/workflows/ci.yml",
            "on: [pull_request]\njobs:\n  call:\n    uses: ./.github/workflows/reusable.yml\n  remote:\n    uses: acme/shared/.github/workflows/scan.yml@v1\n  local-action:\n    steps:\n      - uses: ./.github/actions/setup\n",
        ),
        (".github/workflows/reusable.yml", "on: workflow_call\njobs:\n  unit:\n    steps:\n      - run: cargo test\n"),
        (
            ".github/actions/setup/action.yml",
            "runs:\n  using: composite\n  steps:\n    - run: cargo build\n      shell: bash\n",
        ),
    ]);
    let p = ci.pipelines.iter().find(|p| p.path.ends_with("ci.yml")).unwrap();
    let jobs = runs(p);
    assert_eq!(jobs[0], ("call/unit".into(), true, vec!["cargo test".into()]));
    assert_eq!(jobs[1].2, vec!["acme/shared/.github/workflows/scan.yml@v1".to_string()]);
    assert_eq!(jobs[2].2, vec!["./.github/actions/setup".to_string(), "cargo build".into()]);
    assert_eq!(p.jobs[2].steps[1].path, ".github/actions/setup/action.yml");
    assert_eq!(ci.unresolved.len(), 1);
}

#[test]
fn gitlab_includes_extends_rules_and_templates() {
    let (ci, problems) = ci(&[
        (
            ".gitlab-ci.yml",
            "include:\n  - local: ci/test.yml\n  - template: Security/SAST.gitlab-ci.yml\n  - remote: https://example.com/x.yml\nworkflow:\n  rules:\n    - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\ndefault:\n  before_script:\n    - composer install\n.deploy:\n  environment: production\n  when: manual\ndeploy:\n  extends: .deploy\n  script:\n    - helm upgrade --install x ./chart\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n",
        ),
        ("ci/test.yml", "unit:\n  stage: test\n  script:\n    - vendor/bin/phpunit\n"),
    ]);
    assert!(problems.is_empty(), "{problems:?}");
    let p = &ci.pipelines[0];
    assert_eq!(p.pr, PrTrigger::Explicit { line: 7 });
    let got = runs(p);
    assert_eq!(
        got[0],
        (
            "include template:Security/SAST.gitlab-ci.yml".into(),
            true,
            vec!["template:Security/SAST.gitlab-ci.yml".into()]
        )
    );
    let unit = got.iter().find(|j| j.0 == "unit").unwrap();
    assert_eq!(unit.2, vec!["composer install".to_string(), "vendor/bin/phpunit".into()]);
    let deploy = p.jobs.iter().find(|j| j.id == "deploy").unwrap();
    assert!(!deploy.on_pr);
    assert!(deploy.manual, "inherited from .deploy");
    assert_eq!(deploy.environment.as_deref(), Some("production"));
    assert_eq!(ci.unresolved, vec![".gitlab-ci.yml: include remote https://example.com/x.yml"]);
}

#[test]
fn circleci_and_azure() {
    let (ci, problems) = ci(&[
        (
            ".circleci/config.yml",
            "version: 2.1\norbs:\n  snyk: snyk/snyk@2.0\njobs:\n  test:\n    steps:\n      - checkout\n      - run: npm test\n      - run:\n          name: cov\n          command: npx nyc report\nworkflows:\n  main:\n    jobs:\n      - test\n      - node/deploy:\n          filters:\n            branches:\n              only: main\n",
        ),
        (
            "azure-pipelines.yml",
            "trigger: [main]\npr: none\nstages:\n  - stage: Build\n    jobs:\n      - job: unit\n        steps:\n          - script: dotnet test\n          - template: templates/scan.yml\n  - stage: Deploy\n    condition: eq(variables['Build.SourceBranch'], 'refs/heads/main')\n    jobs:\n      - deployment: web\n        environment: prod\n        strategy:\n          runOnce:\n            deploy:\n              steps:\n                - task: AzureWebApp@1\n                  inputs:\n                    appName: shop\n",
        ),
        ("templates/scan.yml", "steps:\n  - script: trivy fs .\n"),
    ]);
    assert!(problems.is_empty(), "{problems:?}");
    let circle = ci.pipelines.iter().find(|p| p.system == CiSystem::Circleci).unwrap();
    assert_eq!(
        runs(circle)[0],
        ("test".into(), true, vec!["checkout".into(), "npm test".into(), "npx nyc report".into()])
    );
    assert_eq!(runs(circle)[1], ("node/deploy".into(), false, vec!["node/deploy".into()]));
    let azure = ci.pipelines.iter().find(|p| p.system == CiSystem::AzurePipelines).unwrap();
    assert_eq!(azure.pr, PrTrigger::No);
    assert_eq!(runs(azure)[0], ("unit".into(), true, vec!["dotnet test".into(), "trivy fs .".into()]));
    let web = &azure.jobs[1];
    assert_eq!((web.environment.as_deref(), web.on_pr), (Some("prod"), false));
    assert_eq!(web.steps[0].uses.as_deref(), Some("task:AzureWebApp@1"));
    assert_eq!(ci.pipelines.len(), 2, "a template is not a pipeline of its own");
}

#[test]
fn script_expansion_through_make_npm_and_files() {
    let (ci, _) = ci(&[
        (
            ".github/workflows/ci.yml",
            "on: pull_request\njobs:\n  t:\n    steps:\n      - run: make -C build check\n      - run: npm run ci\n      - run: bash ./scripts/test.sh\n",
        ),
        (
            "build/Makefile",
            "check: lint unit\n\n.PHONY: check\nlint:\n\t@phpstan analyse\nunit:\n\t-vendor/bin/phpunit\n",
        ),
        ("package.json", r#"{"scripts":{"ci":"npm run test","test":"jest --coverage"}}"#),
        ("scripts/test.sh", "#!/bin/sh\n# run\npytest -q\n"),
    ]);
    let steps = &ci.pipelines[0].jobs[0].steps;
    let texts = |i: usize| steps[i].expanded.iter().map(|e| e.text.clone()).collect::<Vec<_>>();
    assert_eq!(texts(0), vec!["phpstan analyse\nvendor/bin/phpunit"]);
    assert_eq!(steps[0].expanded[0].path, "build/Makefile");
    assert_eq!(texts(1), vec!["npm run test", "jest --coverage"]);
    assert_eq!(texts(2), vec!["#!/bin/sh\npytest -q".replace("#!/bin/sh\n", "")]);
}

#[test]
fn references_cannot_leave_the_tree() {
    assert_eq!(resolve_path(".github/workflows", "../../../etc/passwd"), None);
    assert_eq!(resolve_path("ci", "../scripts/x.sh").as_deref(), Some("scripts/x.sh"));
    assert_eq!(resolve_path("a", "/b/c.yml").as_deref(), Some("b/c.yml"));
}

#[test]
fn malformed_pipelines_are_problems() {
    let (ci, problems) = ci(&[
        (".github/workflows/bad.yml", "on: [push\njobs:"),
        (".gitlab-ci.yml", "test: {script: [}\n"),
        (".circleci/config.yml", "jobs: [\n"),
        ("Jenkinsfile", "pipeline { stages { stage('x') { steps { sh 'make test'"),
    ]);
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(problems.iter().all(|p| p.line.is_some()));
    assert_eq!(ci.pipelines.len(), 1, "only the Jenkinsfile yields something");
}
